// The far end of the child_process IPC baseline: echo every message back to the parent.
process.on('message', (message) => process.send(message))
