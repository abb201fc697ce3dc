using Engagement.Web.Api;
using Engagement.Web.Localisation;

namespace Engagement.Web.Components.Pages.Resident;

/// <summary>Reading a resident's inbox through the API, which has no single-message read: the message is found in the newest page.</summary>
public static class ResidentInbox
{
    public const int PageSize = 100;

    /// <summary>The kind of message Messaging puts in a raiser's inbox when something was done about what they raised.</summary>
    public const string YouSaidWeDid = "you-said-we-did";

    /// <summary>The <c>lang</c> of a message's own text (a Welsh reader's carries Welsh first), whatever the page's language.</summary>
    public static string Lang(InboxMessageDto message) => message.Language == "en" ? "en-GB" : message.Language;

    public static async Task<(InboxMessageDto? Message, ApiProblem? Problem)> FindAsync(GatewayApi api, Guid id, CancellationToken ct)
    {
        var result = await api.GetAsync<InboxPageDto>($"api/messaging/inbox?pageSize={PageSize}", ct: ct);
        if (!result.Ok)
        {
            return (null, result.Problem);
        }

        var message = result.Value?.Items.FirstOrDefault(m => m.Id == id);
        return message is null
            ? (null, new ApiProblem(404, ResidentText.Current.MessageNotFound, ResidentText.Current.MessageNotFoundDetail, new Dictionary<string, string[]>()))
            : (message, null);
    }
}
