export type { Address } from './address.js'
export type { ChannelAuthOptions, ChannelOptions } from './channel.js'
export { Channel } from './channel.js'
export { AuthenticationError, ChannelError, EOFError } from './channel-errors.js'
export type { OpenConnectionOptions } from './connect.js'
export { openConnection, openUnixConnection } from './connect.js'
export { Connection } from './connection.js'
export {
  AF_INET,
  AF_INET6,
  AF_UNIX,
  IPPROTO_TCP,
  SHUT_RD,
  SHUT_RDWR,
  SHUT_WR,
  SO_KEEPALIVE,
  SO_REUSEADDR,
  SOCK_DGRAM,
  SOCK_STREAM,
  SOL_SOCKET,
  TCP_NODELAY,
} from './constants.js'
export type { SystemError } from './errors.js'
export { IncompleteRead } from './errors.js'
export { aopen, FileStream } from './file-stream.js'
export type { NodeStreamOptions, NodeStreamPair } from './node-stream.js'
export { NodeStream } from './node-stream.js'
export type { ConnectionHandler, ServerOptions, TcpServerOptions } from './server.js'
export { runServer, tcpServer, tcpServerSocket, unixServer } from './server.js'
export { SignalEvent, SignalQueue } from './signals.js'
export { Socket, socket } from './socket.js'
export { SocketStream } from './socket-stream.js'
export { StdStream, stderr, stdin, stdout } from './stdio.js'
export type { Stream } from './stream.js'
