namespace Engagement.Web.Tests;

/// <summary>
/// The real time, moved by an offset a test sets and puts back. Unlike a frozen test clock, the service's background
/// work (deliveries, leases) keeps running in real time while the offset is zero; a test moves it only for the one
/// request it needs in the past, such as a reply received 80 hours ago.
/// </summary>
public sealed class ShiftedClock : TimeProvider
{
    private long _offsetTicks;

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    /// <summary>Moves the clock by <paramref name="by"/> until the returned scope is disposed.</summary>
    public IDisposable Shift(TimeSpan by)
    {
        Interlocked.Add(ref _offsetTicks, by.Ticks);
        return new Back(this, by);
    }

    private sealed class Back(ShiftedClock clock, TimeSpan by) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
            {
                Interlocked.Add(ref clock._offsetTicks, -by.Ticks);
            }
        }
    }
}
