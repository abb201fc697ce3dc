using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.AspNetCore.Components.Rendering;

namespace Engagement.Web.Surgeries.Officer;

/// <summary>
/// A time of day (<c>&lt;input type="time"&gt;</c>) bound to a <see cref="TimeOnly"/>, written back as the browser writes it
/// (<c>HH:mm</c>). Blazor's <c>InputDate</c> of type Time renders <c>HH:mm:ss</c>: once the hour is typed the browser
/// reports "19:30", the re-render writes "19:30:00" into the focused field, the browser adds a seconds segment and starts
/// the segments again, and the minutes typed next land in the hour (typing "1900" key by key left 13:00). Written as the
/// browser reports it, the re-render matches what the field holds and changes nothing while the officer types.
/// </summary>
public sealed class TimeInput : InputBase<TimeOnly?>
{
    private const string Format = "HH:mm";

    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        builder.OpenElement(0, "input");
        builder.AddMultipleAttributes(1, AdditionalAttributes);
        builder.AddAttribute(2, "type", "time");
        builder.AddAttribute(3, "name", string.IsNullOrEmpty(NameAttributeValue) ? null : NameAttributeValue);
        builder.AddAttribute(4, "class", string.IsNullOrEmpty(CssClass) ? null : CssClass);
        builder.AddAttribute(5, "value", CurrentValueAsString);
        builder.AddAttribute(6, "onchange", EventCallback.Factory.CreateBinder<string?>(this, v => CurrentValueAsString = v, CurrentValueAsString));
        builder.SetUpdatesAttributeName("value");
        builder.CloseElement();
    }

    protected override string? FormatValueAsString(TimeOnly? value) => value?.ToString(Format, CultureInfo.InvariantCulture);

    protected override bool TryParseValueFromString(string? value, out TimeOnly? result, [NotNullWhen(false)] out string? validationErrorMessage)
    {
        if (string.IsNullOrEmpty(value))
        {
            result = null;
            validationErrorMessage = null;
            return true;
        }

        // The browser sends seconds only when a step asks for them; either way the surgery starts on the minute.
        if (TimeOnly.TryParse(value, CultureInfo.InvariantCulture, out var time))
        {
            result = new TimeOnly(time.Hour, time.Minute);
            validationErrorMessage = null;
            return true;
        }

        result = null;
        validationErrorMessage = "Enter a time such as 18:30.";
        return false;
    }
}
