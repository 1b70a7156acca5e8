// The protocol version every line carries (`"v": 1`). Bump it on any change a version-1 reader would
// misread; a reader refuses lines of another version instead of guessing (docs/trainer-protocol.md).
export const PROTOCOL_VERSION = 1;
