export type { MonitorAddress, MonitorOptions } from './monitor.js'
export { Monitor } from './monitor.js'
