namespace Emx.Integration.Tests.Infrastructure;

/// <summary>Bounds for waits: a token that fires after a timeout or when the test is cancelled.</summary>
public static class Timeouts
{
    /// <summary>A source cancelled after <paramref name="timeout"/> or with the test.</summary>
    public static CancellationTokenSource After(TimeSpan timeout)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        source.CancelAfter(timeout);
        return source;
    }

    /// <summary>Polls <paramref name="condition"/> until it holds (at most <paramref name="maxInterval"/> apart), failing with <paramref name="what"/> after <paramref name="timeout"/>.</summary>
    public static async Task WaitUntilAsync(Func<CancellationToken, Task<bool>> condition, TimeSpan timeout, string what, TimeSpan? maxInterval = null)
    {
        using var limit = After(timeout);
        var longest = maxInterval ?? TimeSpan.FromMilliseconds(250);
        var delay = TimeSpan.FromMilliseconds(Math.Min(20, longest.TotalMilliseconds));
        while (true)
        {
            try
            {
                if (await condition(limit.Token))
                {
                    return;
                }

                await Task.Delay(delay, limit.Token);
            }
            catch (OperationCanceledException) when (limit.IsCancellationRequested && !TestContext.Current.CancellationToken.IsCancellationRequested)
            {
                Assert.Fail($"timed out after {timeout.TotalSeconds:0}s waiting for {what}");
            }

            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, longest.TotalMilliseconds));
        }
    }
}
