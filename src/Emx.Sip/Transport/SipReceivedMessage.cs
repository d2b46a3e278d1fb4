using System.Net;
using Emx.Sip.Messages;

namespace Emx.Sip.Transport;

/// <summary>A message as a transport delivers it: parsed, Via-processed, with where it came from.</summary>
/// <param name="Message">The request or response.</param>
/// <param name="Transport">The transport it arrived on; responses to a request leave by the same one.</param>
/// <param name="RemoteEndPoint">The source address and port of the packet or connection.</param>
/// <param name="ConnectionId">The connection it arrived on (connection-oriented transports), otherwise 0.</param>
public sealed record SipReceivedMessage(SipMessage Message, ISipTransport Transport, IPEndPoint RemoteEndPoint, long ConnectionId);

/// <summary>Where a request is sent: a transport kind and an address. Resolving a URI to this (RFC 3263) is the caller's job.</summary>
/// <param name="Transport">The transport protocol to use.</param>
/// <param name="EndPoint">The next hop's address and port.</param>
public sealed record SipDestination(SipTransportKind Transport, IPEndPoint EndPoint);
