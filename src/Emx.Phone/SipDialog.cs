using System.Globalization;
using Emx.Sip.Messages;

namespace Emx.Phones;

/// <summary>
/// One dialog (RFC 3261 §12): its identifiers, route set, remote target and sequence numbers, and the requests sent in
/// it (§12.2.1.1). Not thread-safe: the owning <see cref="PhoneCall"/> holds its lock.
/// </summary>
internal sealed class SipDialog
{
    private SipDialog(string callId, string localTag, string remoteTag, SipNameAddress localParty, SipNameAddress remoteParty, SipUri remoteTarget, IReadOnlyList<SipNameAddress> routeSet, uint localCSeq, uint? remoteCSeq)
    {
        CallId = callId;
        LocalTag = localTag;
        RemoteTag = remoteTag;
        LocalParty = localParty;
        RemoteParty = remoteParty;
        RemoteTarget = remoteTarget;
        RouteSet = routeSet;
        LocalCSeq = localCSeq;
        RemoteCSeq = remoteCSeq;
    }

    public string CallId { get; }

    public string LocalTag { get; }

    public string RemoteTag { get; }

    /// <summary>The local URI (the From of requests the phone sends), without tag.</summary>
    public SipNameAddress LocalParty { get; }

    /// <summary>The remote URI (the To of requests the phone sends), without tag.</summary>
    public SipNameAddress RemoteParty { get; }

    /// <summary>The remote target: the far end's Contact (§12.1.1, §12.1.2), updated by target refreshes.</summary>
    public SipUri RemoteTarget { get; private set; }

    /// <summary>The route set, in the order the phone's requests carry it as Route.</summary>
    public IReadOnlyList<SipNameAddress> RouteSet { get; }

    public uint LocalCSeq { get; private set; }

    /// <summary>The far end's last CSeq, or null before its first request in the dialog.</summary>
    public uint? RemoteCSeq { get; private set; }

    /// <summary>
    /// The UAC side (§12.1.2), from a dialog-creating response to the phone's INVITE: route set = Record-Route in
    /// reverse order, remote target = the response's Contact, remote tag = its To tag. Null when the response has no
    /// To tag or no Contact.
    /// </summary>
    public static SipDialog? FromResponse(SipRequest invite, SipResponse response)
    {
        if (response.To is not { Tag: { } remoteTag } to || response.Contacts is not [{ Uri: { } target }, ..]
            || invite.From is not { Tag: { } localTag } from || invite.CallId is not { } callId || invite.CSeq is not { } cseq)
        {
            return null;
        }

        var routes = response.RecordRoutes.Reverse().ToList();
        return new SipDialog(callId, localTag, remoteTag, WithoutTag(from), WithoutTag(to), target, routes, cseq.Number, null);
    }

    /// <summary>
    /// The UAS side (§12.1.1), from the INVITE received and the To tag of the phone's answer: route set =
    /// Record-Route in order, remote target = the request's Contact, remote CSeq = its CSeq. Null when the request has
    /// no From tag or no Contact.
    /// </summary>
    public static SipDialog? FromRequest(SipRequest invite, string localTag, uint initialLocalCSeq)
    {
        if (invite.From is not { Tag: { } remoteTag } from || invite.Contacts is not [{ Uri: { } target }, ..]
            || invite.To is not { } to || invite.CallId is not { } callId || invite.CSeq is not { } cseq)
        {
            return null;
        }

        return new SipDialog(callId, localTag, remoteTag, WithoutTag(to), WithoutTag(from), target, [.. invite.RecordRoutes], initialLocalCSeq, cseq.Number);
    }

    /// <summary>True when <paramref name="request"/> (sent by the far end) belongs to this dialog (§12.2.2).</summary>
    public bool Matches(SipRequest request) =>
        request.CallId == CallId && request.To?.Tag == LocalTag && request.From?.Tag == RemoteTag;

    /// <summary>
    /// Checks a new request from the far end against the remote sequence number (§12.2.2): false for one lower than
    /// the last (answered 500), else the number is recorded.
    /// </summary>
    public bool AcceptRemoteCSeq(uint cseq)
    {
        if (RemoteCSeq is { } last && cseq <= last)
        {
            return false;
        }

        RemoteCSeq = cseq;
        return true;
    }

    /// <summary>A target refresh (re-INVITE, §12.2.2): the far end's new Contact becomes the remote target.</summary>
    public void RefreshTarget(SipRequest request)
    {
        if (request.Contacts is [{ Uri: { } target }, ..])
        {
            RemoteTarget = target;
        }
    }

    /// <summary>
    /// A request within the dialog (§12.2.1.1): Request-URI and Route from the route set and remote target (loose or
    /// strict first hop), From/To with the tags, the Call-ID, and the next CSeq (or <paramref name="cseq"/> for an ACK
    /// or CANCEL that reuses the INVITE's). The transaction layer adds the Via.
    /// </summary>
    public SipRequest CreateRequest(string method, uint? cseq = null)
    {
        SipUri requestUri;
        IEnumerable<string> routes;
        if (RouteSet.Count == 0)
        {
            requestUri = RemoteTarget;
            routes = [];
        }
        else if (RouteSet[0].Uri.IsLooseRouter)
        {
            requestUri = RemoteTarget;
            routes = RouteSet.Select(r => r.ToString());
        }
        else
        {
            // A strict router (RFC 2543) takes the request-URI; the remote target goes last in Route.
            requestUri = RouteSet[0].Uri;
            routes = RouteSet.Skip(1).Select(r => r.ToString()).Append("<" + RemoteTarget + ">");
        }

        var number = cseq ?? ++LocalCSeq;
        var request = new SipRequest(method, requestUri);
        foreach (var route in routes)
        {
            request.Headers.Add(SipHeaderNames.Route, route);
        }

        request.Headers.Add(SipHeaderNames.MaxForwards, "70");
        request.Headers.Add(SipHeaderNames.From, LocalParty.WithTag(LocalTag).ToString());
        request.Headers.Add(SipHeaderNames.To, RemoteParty.WithTag(RemoteTag).ToString());
        request.Headers.Add(SipHeaderNames.CallId, CallId);
        request.Headers.Add(SipHeaderNames.CSeq, number.ToString(CultureInfo.InvariantCulture) + " " + method);
        return request;
    }

    /// <summary>Where the phone sends requests of this dialog: the first route, else the remote target (§8.1.2).</summary>
    public SipUri NextHop => RouteSet.Count > 0 ? RouteSet[0].Uri : RemoteTarget;

    private static SipNameAddress WithoutTag(SipNameAddress address) =>
        address.Tag is null ? address : new SipNameAddress(address.Uri, address.DisplayName, address.Parameters.Without("tag"));
}
