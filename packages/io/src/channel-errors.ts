import { CurioError } from '@curio/kernel'

/** A message channel failed: a bad frame, a message over the size limit (base of the channel errors). */
export class ChannelError extends CurioError {}

/** The peer's key is not ours: it answered our challenge wrongly, or rejected our answer. */
export class AuthenticationError extends ChannelError {}

/** The stream ended where a message should be (cleanly between messages, or inside one). */
export class EOFError extends ChannelError {}
