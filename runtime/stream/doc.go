// Package stream carries Flux messages over a byte stream the way the
// local:// connector does (also fd://, ssh:// and flux relay): each message
// is an 8-byte header followed by its RFC 3 encoding, and a server opens
// every connection with a single authentication byte.
//
// Header layout:
//
//	bytes 0-3  Magic 0xffee0012, little-endian (12 00 ee ff): flux-core
//	           stores it in host order and its peers run on x86-64
//	bytes 4-7  length of the encoded message, big-endian, header excluded
//
// Reader suits blocking I/O; Assembler accepts bytes as they arrive, for
// non-blocking I/O. Both decode with msg.Decode and return messages that do
// not alias their internal buffers.
package stream
