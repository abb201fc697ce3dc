using System.Threading.Channels;
using Microsoft.Playwright;

namespace Engagement.Web.Tests;

/// <summary>
/// The page's Blazor circuit with the server's replies held back, in order, as on a loaded machine or a slow network:
/// what a re-render writes into the page then lands after the keystrokes typed meanwhile, which is how a field that
/// echoes a stale value loses what was typed. Takes effect for circuits opened after it (reload the page).
/// </summary>
public sealed class SlowCircuit
{
    private SlowCircuit()
    {
    }

    /// <summary>How long each reply from the server is held back; zero passes them straight on.</summary>
    public TimeSpan Delay { get; set; }

    public static async Task<SlowCircuit> RouteAsync(IPage page)
    {
        var slow = new SlowCircuit();
        await page.RouteWebSocketAsync("**/_blazor**", socket =>
        {
            var server = socket.ConnectToServer();
            var replies = Channel.CreateUnbounded<(DateTimeOffset Due, IWebSocketFrame Frame)>();
            server.OnMessage(frame => replies.Writer.TryWrite((DateTimeOffset.UtcNow + slow.Delay, frame)));
            _ = Task.Run(async () =>
            {
                await foreach (var (due, frame) in replies.Reader.ReadAllAsync())
                {
                    if (due - DateTimeOffset.UtcNow is { Ticks: > 0 } wait)
                    {
                        await Task.Delay(wait);
                    }

                    if (frame.Binary is { } binary)
                    {
                        socket.Send(binary);
                    }
                    else
                    {
                        socket.Send(frame.Text ?? "");
                    }
                }
            });
        });
        return slow;
    }
}
