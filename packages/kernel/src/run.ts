import { Kernel, type KernelOptions } from './kernel.js'
import type { OperationSource } from './operation.js'

/**
 * Make a kernel, run `main` until it ends, shut the kernel down (cancel every task still
 * alive, newest first), then resolve with main's value or reject with main's exception.
 */
export async function run<T>(main: OperationSource<T>, options?: KernelOptions): Promise<T> {
  const kernel = new Kernel(options)
  try {
    return await kernel.run(main)
  } finally {
    await kernel.close()
  }
}
