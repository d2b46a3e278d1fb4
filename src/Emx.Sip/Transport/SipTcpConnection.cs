using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Emx.Sip.Parsing;

namespace Emx.Sip.Transport;

/// <summary>
/// One TCP connection of a <see cref="SipTcpTransport"/>: a read loop that frames messages, a write loop that
/// sends queued data in order, and an idle timer.
/// </summary>
internal sealed class SipTcpConnection : IDisposable
{
    private static readonly byte[] Pong = "\r\n"u8.ToArray();

    private readonly SipTcpTransport _owner;
    private readonly Socket _socket;
    private readonly Channel<PendingSend> _outbox = Channel.CreateUnbounded<PendingSend>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _closing = new();
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ITimer? _idleTimer;
    private long _lastActivity;
    private int _closed;

    public SipTcpConnection(SipTcpTransport owner, Socket socket, long id, IPEndPoint remote)
    {
        _owner = owner;
        _socket = socket;
        Id = id;
        Remote = remote;
    }

    public long Id { get; }

    public IPEndPoint Remote { get; }

    /// <summary>Completes when the connection is closed and its loops have ended.</summary>
    public Task Completion => _completion.Task;

    /// <summary>Set when the stream could not be framed; the connection then closes gracefully.</summary>
    private bool Rejected { get; set; }

    public void Run(bool connect) => _ = RunAsync(connect);

    public void Dispose() => _closing.Dispose();

    /// <summary>Queues data; completes when it is written or the connection fails.</summary>
    public ValueTask<SipSendResult> SendAsync(ReadOnlyMemory<byte> data)
    {
        var pending = new PendingSend(data);
        return _outbox.Writer.TryWrite(pending)
            ? new ValueTask<SipSendResult>(pending.Completion.Task)
            : new ValueTask<SipSendResult>(new SipSendResult(SipSendStatus.ConnectionClosed, $"Connection {Id} is closed."));
    }

    public void Close(SipSendStatus pendingStatus, string reason)
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        // Leave the table first: whoever learns of the failure below must not find this connection still listed.
        _owner.Remove(this);
        try
        {
            _closing.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The connection's own loop ended and disposed it first: nothing is left to cancel.
        }
        _idleTimer?.Dispose();
        _outbox.Writer.TryComplete();
        while (_outbox.Reader.TryRead(out var pending))
        {
            pending.Complete(new SipSendResult(pendingStatus, reason));
        }

        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // Already reset by the peer.
        }
        catch (ObjectDisposedException)
        {
            // Already gone.
        }

        _socket.Dispose();
        _owner.Report(SipTransportEventKind.ConnectionClosed, Remote, Id, reason);
    }

    private async Task RunAsync(bool connect)
    {
        var options = _owner.Options;
        try
        {
            if (connect && !await ConnectAsync(options))
            {
                return;
            }

            Touch();
            _idleTimer = _owner.TimeProvider.CreateTimer(static state => ((SipTcpConnection)state!).OnIdleTimer(), this, options.IdleTimeout, Timeout.InfiniteTimeSpan);
            var writing = WriteLoopAsync();
            var reason = await ReadLoopAsync(options.Parser);

            // Let queued answers (a 513 before closing, say) go out before the socket closes.
            _outbox.Writer.TryComplete();
            await writing.WaitAsync(options.ConnectTimeout, _owner.TimeProvider).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (Rejected)
            {
                await LingerAsync(options);
            }

            Close(SipSendStatus.ConnectionClosed, reason);
        }
        finally
        {
            Close(SipSendStatus.ConnectionClosed, "closed");
            Dispose();
            _completion.TrySetResult();
        }
    }

    private async Task<bool> ConnectAsync(SipTransportOptions options)
    {
        using var timeout = new CancellationTokenSource(options.ConnectTimeout, _owner.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, _closing.Token);
        try
        {
            await _socket.ConnectAsync(Remote, linked.Token);
        }
        catch (Exception exception) when (exception is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            var detail = exception is OperationCanceledException && timeout.IsCancellationRequested
                ? $"Connecting to {Remote} timed out"
                : $"Connecting to {Remote} failed: {exception.Message}";
            Close(SipSendStatus.ConnectionFailed, detail);
            return false;
        }

        _owner.Report(SipTransportEventKind.ConnectionOpened, Remote, Id, "connected");
        return true;
    }

    /// <summary>Reads and frames until the peer closes, the stream breaks or the connection is closed; returns why.</summary>
    private async Task<string> ReadLoopAsync(SipParserOptions parser)
    {
        var framer = new SipStreamFramer(parser);
        var maxBuffer = parser.MaxMessageSize + 4;
        var buffer = new byte[Math.Min(8192, maxBuffer)];
        int start = 0, end = 0;
        while (true)
        {
            if (end == buffer.Length)
            {
                if (start > 0)
                {
                    Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                    end -= start;
                    start = 0;
                }
                else if (buffer.Length < maxBuffer)
                {
                    Array.Resize(ref buffer, (int)Math.Min((long)buffer.Length * 2, maxBuffer));
                }
                else
                {
                    return "Receive buffer full";
                }
            }

            int received;
            try
            {
                received = await _socket.ReceiveAsync(buffer.AsMemory(end), SocketFlags.None, _closing.Token);
            }
            catch (Exception exception) when (exception is SocketException or OperationCanceledException or ObjectDisposedException)
            {
                return exception is SocketException socketException ? "Receive failed: " + socketException.SocketErrorCode : "closed";
            }

            if (received == 0)
            {
                return "Closed by peer";
            }

            end += received;
            Touch();
            while (start < end)
            {
                var frame = framer.Frame(buffer.AsSpan(start, end - start));
                if (frame.Status == SipFrameStatus.NeedMoreData)
                {
                    break;
                }

                switch (frame.Status)
                {
                    case SipFrameStatus.Message:
                        _owner.Deliver(this, buffer.AsSpan(start, frame.Length));
                        break;
                    case SipFrameStatus.KeepAlivePing:
                        _owner.Report(SipTransportEventKind.KeepAlive, Remote, Id, "ping");
                        _ = SendAsync(Pong).AsTask();
                        break;
                    case SipFrameStatus.Invalid:
                        _owner.RejectFrame(this, frame.Error!, buffer.AsSpan(start, end - start));
                        Rejected = true;
                        return "Unframeable stream: " + frame.Error;
                }

                start += frame.Length;
            }

            if (start == end)
            {
                start = end = 0;
            }
        }
    }

    /// <summary>
    /// Closes our side, then reads and discards what the peer still sends for a moment: closing a socket with
    /// unread data resets the connection, and a reset can destroy the error response before the peer reads it.
    /// </summary>
    private async Task LingerAsync(SipTransportOptions options)
    {
        using var timeout = new CancellationTokenSource(options.ConnectTimeout, _owner.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, _closing.Token);
        var scratch = new byte[4096];
        var discarded = 0L;
        try
        {
            _socket.Shutdown(SocketShutdown.Send);
            while (discarded < 1024 * 1024)
            {
                var received = await _socket.ReceiveAsync(scratch, SocketFlags.None, linked.Token);
                if (received == 0)
                {
                    return;
                }

                discarded += received;
            }
        }
        catch (Exception exception) when (exception is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Reset, timed out or closed: nothing more to wait for.
        }
    }

    private async Task WriteLoopAsync()
    {
        try
        {
            await foreach (var pending in _outbox.Reader.ReadAllAsync(_closing.Token))
            {
                try
                {
                    var remaining = pending.Data;
                    while (!remaining.IsEmpty)
                    {
                        var sent = await _socket.SendAsync(remaining, SocketFlags.None, _closing.Token);
                        remaining = remaining[sent..];
                    }
                }
                catch (Exception exception) when (exception is SocketException or OperationCanceledException or ObjectDisposedException)
                {
                    pending.Complete(new SipSendResult(SipSendStatus.ConnectionClosed, $"Connection {Id}: {exception.Message}"));
                    Close(SipSendStatus.ConnectionClosed, "Send failed: " + exception.Message);
                    return;
                }

                Touch();
                pending.Complete(SipSendResult.Success);
            }
        }
        catch (OperationCanceledException)
        {
            // Closed while waiting for data; Close completes whatever is still queued.
        }
    }

    private void Touch() => Volatile.Write(ref _lastActivity, _owner.TimeProvider.GetTimestamp());

    private void OnIdleTimer()
    {
        var idle = _owner.TimeProvider.GetElapsedTime(Volatile.Read(ref _lastActivity));
        var timeout = _owner.Options.IdleTimeout;
        if (idle < timeout)
        {
            try
            {
                _idleTimer?.Change(timeout - idle, Timeout.InfiniteTimeSpan);
            }
            catch (ObjectDisposedException)
            {
                // Closed meanwhile.
            }

            return;
        }

        _owner.Report(SipTransportEventKind.IdleTimeout, Remote, Id, $"Idle for {idle}");
        Close(SipSendStatus.ConnectionClosed, "Idle timeout");
    }

    private sealed class PendingSend(ReadOnlyMemory<byte> data)
    {
        public ReadOnlyMemory<byte> Data { get; } = data;

        public TaskCompletionSource<SipSendResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Complete(SipSendResult result) => Completion.TrySetResult(result);
    }
}
