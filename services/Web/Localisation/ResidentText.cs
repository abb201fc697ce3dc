using System.Globalization;
using Engagement.ServiceDefaults;

namespace Engagement.Web.Localisation;

/// <summary>
/// Every word a resident reads, once per language. A class with <c>required</c> members rather than .resx files: a
/// string added in English and forgotten in Welsh does not compile, the sentences with numbers and dates are
/// functions that put the words in each language's order, and there is no satellite assembly or resource tooling for
/// two languages and one set of pages. The language in force is the request's UI culture
/// (<see cref="ResidentLanguage"/>): Welsh (<c>cy</c>) or English (<c>en-GB</c>).
/// </summary>
public sealed class ResidentText
{
    public required string HtmlLang { get; init; }

    // Layout and navigation.
    public required string SkipLink { get; init; }
    public required string Footer { get; init; }
    public required string Home { get; init; }
    public required string SignedInAs { get; init; }
    public required string SignOut { get; init; }
    public required IReadOnlyDictionary<string, string> Nav { get; init; }
    public required string LanguageNav { get; init; }
    public required string HomeHeading { get; init; }
    public required string HomeChoose { get; init; }
    public required string ProblemHeading { get; init; }
    public required string ErrorLabel { get; init; }
    public required string Loading { get; init; }

    // Inbox and message.
    public required string Messages { get; init; }
    public required Func<long, long, string> MessageCount { get; init; }
    public required string NoMessages { get; init; }
    public required string ChooseWhatYouHear { get; init; }
    public required string New { get; init; }
    public required string LoadingMessages { get; init; }
    public required string Message { get; init; }
    public required string BackToMessages { get; init; }
    public required Func<string, string> Sent { get; init; }
    public required string MessageNotFound { get; init; }
    public required string MessageNotFoundDetail { get; init; }
    public required string WasItUseful { get; init; }
    public required string Useful { get; init; }
    public required string NotUseful { get; init; }
    public required string RatedUseful { get; init; }
    public required string RatedNotUseful { get; init; }
    public required string ReplyHeading { get; init; }
    public required Func<string, string, string> ReplySent { get; init; }
    public required string YourReply { get; init; }
    public required string ReplyHint { get; init; }
    public required string SendReply { get; init; }
    public required string LoadingMessage { get; init; }
    public required string SeeWhatHappened { get; init; }

    // Subscription.
    public required string Alerts { get; init; }
    public required string AlertsIntro { get; init; }
    public required string Where { get; init; }
    public required string Postcode { get; init; }
    public required string PostcodeHint { get; init; }
    public required string OtherAreas { get; init; }
    public required string OtherAreasLabel { get; init; }
    public required string WhatAbout { get; init; }
    public required string How { get; init; }
    public required string InApp { get; init; }
    public required string ByEmail { get; init; }
    public required string Email { get; init; }
    public required string EmailHint { get; init; }
    public required string BySms { get; init; }
    public required string Phone { get; init; }
    public required string Language { get; init; }
    public required IReadOnlyDictionary<string, string> Languages { get; init; }
    public required string QuietHours { get; init; }
    public required string QuietHoursOptional { get; init; }
    public required string QuietHint { get; init; }
    public required string QuietFrom { get; init; }
    public required string QuietUntil { get; init; }
    public required string QuietFromLabel { get; init; }
    public required string QuietUntilLabel { get; init; }
    public required string SaveChanges { get; init; }
    public required string Subscribe { get; init; }
    public required string StopHeading { get; init; }
    public required string UnsubscribeInfo { get; init; }
    public required string Unsubscribe { get; init; }
    public required string EraseWarning { get; init; }
    public required string EraseConfirm { get; init; }
    public required string EraseKeep { get; init; }
    public required string Erase { get; init; }
    public required string Saved { get; init; }
    public required string Unsubscribed { get; init; }
    public required string Erased { get; init; }
    public required IReadOnlyDictionary<string, string> Interests { get; init; }

    // Surgeries.
    public required string FindSurgery { get; init; }
    public required string FindIntro { get; init; }
    public required string YourArea { get; init; }
    public required string ChooseArea { get; init; }
    public required Func<string?, string> ComingUpIn { get; init; }
    public required string NoSurgeries { get; init; }
    public required string When { get; init; }
    public required string Access { get; init; }
    public required string StepFree { get; init; }
    public required string NoStepFree { get; init; }
    public required string PrivateTalk { get; init; }
    public required string Places { get; init; }
    public required string DropIn { get; init; }
    public required Func<int?, int?, string> PlacesLeft { get; init; }
    public required Func<int, string> Full { get; init; }
    public required string BookAPlace { get; init; }
    public required Func<string, string, string> BookAPlaceAt { get; init; }
    public required string BackToSurgeries { get; init; }
    public required string YouAreBooked { get; init; }
    public required string PlaceConfirmed { get; init; }
    public required string OnWaitingList { get; init; }
    public required Func<int?, string> WaitingNumber { get; init; }
    public required string YourName { get; init; }
    public required string Contact { get; init; }
    public required string ContactHint { get; init; }
    public required string Needs { get; init; }
    public required string NeedsLabel { get; init; }
    public required string NeedsHint { get; init; }
    public required string HearBack { get; init; }
    public required string HearBackHint { get; init; }
    public required string Book { get; init; }
    public required string MyBookings { get; init; }
    public required string NoBookings { get; init; }
    public required string Booked { get; init; }
    public required Func<int?, string> WaitingListNumber { get; init; }
    public required string Cancelled { get; init; }

    // What happened to what I raised.
    public required string Raised { get; init; }
    public required string RaisedIntro { get; init; }
    public required string NothingRaised { get; init; }
    public required string Area { get; init; }
    public required string Topic { get; init; }
    public required string RaisedHeading { get; init; }
    public required Func<string?, string, string> AtSurgery { get; init; }
    public required Func<string, string> InReply { get; init; }
    public required Func<string, string> RaisedOn { get; init; }
    public required string Status { get; init; }
    public required string Considering { get; init; }
    public required string Adopted { get; init; }
    public required string ActionTaken { get; init; }
    public required Func<string?, string> PassedTo { get; init; }
    public required Func<string, string> ClosedOn { get; init; }
    public required string WhatWasDone { get; init; }
    public required string NothingDoneYet { get; init; }
    public required Func<string, string> Result { get; init; }
    public required IReadOnlyDictionary<string, string> Categories { get; init; }

    // Local priorities: voting on the candidates of the resident's area.
    public required string LocalPriorities { get; init; }
    public required string LocalPrioritiesIntro { get; init; }
    public required string NoKnownArea { get; init; }
    public required string AddYourPostcode { get; init; }
    public required Func<string, string> IssuesIn { get; init; }
    public required string NoLocalIssues { get; init; }
    public required string FirstRaised { get; init; }
    public required string Support { get; init; }
    public required Func<int, int, string> SupportCount { get; init; }
    public required string VoteForThis { get; init; }
    public required string YouVoted { get; init; }

    /// <summary>Dates and times as people read them in this language, in London time.</summary>
    public required Func<DateTimeOffset, string> Date { get; init; }
    public required Func<DateTimeOffset, string> DateTime { get; init; }
    public required Func<DateOnly, string> Day { get; init; }
    public required Func<DateTimeOffset, DateTimeOffset, string> Span { get; init; }

    /// <summary>
    /// The API's problems in this language (<see cref="ResidentProblems"/>): titles by problem type (<c>already-booked</c>)
    /// or status (<c>404</c>; <c>500</c> for any server error; <c>0</c> when the API did not answer), and field messages,
    /// tried in order. Empty in English, whose pages show the API's own words.
    /// </summary>
    public required IReadOnlyDictionary<string, string> ProblemTitles { get; init; }
    public required IReadOnlyList<FieldProblem> FieldProblems { get; init; }

    /// <summary>The signed-out home page and the local demo sign-in page, which follow the language switch too.</summary>
    public required string SignedOutIntro { get; init; }
    public required string SignIn { get; init; }
    public required string DemoSignIn { get; init; }
    public required string DemoSignInNote { get; init; }
    public required string DemoLocalOnly { get; init; }
    public required string DemoWarning { get; init; }
    public required string DemoRole { get; init; }
    public required IReadOnlyDictionary<string, string> DemoRoles { get; init; }
    public required string DemoUserId { get; init; }
    public required string DemoUserIdHint { get; init; }
    public required string DemoAreas { get; init; }
    public required string DemoAreasHint { get; init; }
    public required string DemoForceWide { get; init; }
    public required string DemoChooseAreas { get; init; }

    public bool IsWelsh => HtmlLang == "cy";

    /// <summary>A navigation link's words: the resident pages' in this language, any other page's as it is.</summary>
    public string NavText(Components.Layout.NavLinks.Link link) => Nav.GetValueOrDefault(link.Href, link.Text);

    /// <summary>How many places a surgery has left, or that it is drop-in or full.</summary>
    public string SurgeryPlaces(Surgeries.Surgery s) =>
        s.DropIn ? DropIn : s.PlacesLeft is > 0 ? PlacesLeft(s.PlacesLeft, s.Capacity) : Full(s.Waitlisted);

    /// <summary>The words for the request's language (Welsh when the UI culture is Welsh, otherwise English).</summary>
    public static ResidentText Current => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "cy" ? Welsh : English;

    public static string Word(IReadOnlyDictionary<string, string> words, string code) => words.TryGetValue(code, out var w) ? w : code;

    private static readonly CultureInfo EnglishCulture = CultureInfo.GetCultureInfo("en-GB");
    private static readonly CultureInfo WelshCulture = CultureInfo.GetCultureInfo("cy");

    public static ResidentText English { get; } = new()
    {
        HtmlLang = "en-GB",
        SkipLink = "Skip to main content",
        Footer = "Neighbourhood engagement. Times are shown in UK time (Europe/London).",
        Home = "Home",
        SignedInAs = "Signed in as",
        SignOut = "Sign out",
        Nav = new Dictionary<string, string>
        {
            ["inbox"] = "Your messages", ["find-a-surgery"] = "Find a surgery", ["my-bookings"] = "My bookings", ["subscription"] = "Your alerts",
            ["what-i-raised"] = "What happened to what I raised",
            ["local-priorities"] = "Have your say on local priorities",
        },
        LanguageNav = "Language",
        HomeHeading = "Neighbourhood engagement",
        HomeChoose = "Choose what you want to do:",
        ProblemHeading = "There is a problem",
        ErrorLabel = "Error:",
        Loading = "Loading…",
        Messages = "Your messages",
        MessageCount = (unread, total) => $"{unread} new of {total} {(total == 1 ? "message" : "messages")}.",
        NoMessages = "You have no messages yet. Alerts for your area arrive here.",
        ChooseWhatYouHear = "Choose what you hear about",
        New = "New",
        LoadingMessages = "Loading your messages…",
        Message = "Message",
        BackToMessages = "Back to your messages",
        Sent = t => $"Sent {t}",
        MessageNotFound = "That message was not found.",
        MessageNotFoundDetail = "It may be older than your newest 100 messages, or it was erased.",
        WasItUseful = "Was this message useful?",
        Useful = "Yes, it was useful",
        NotUseful = "No, it was not useful",
        RatedUseful = "You said this was useful. Thank you.",
        RatedNotUseful = "You said this was not useful. Thank you.",
        ReplyHeading = "Reply to your neighbourhood team",
        ReplySent = (sent, due) => $"Your reply was sent on {sent}. Your neighbourhood team aims to answer by {due}.",
        YourReply = "Your reply",
        ReplyHint = "Do not use this to report a crime. Call 999 in an emergency, or 101.",
        SendReply = "Send reply",
        LoadingMessage = "Loading the message…",
        SeeWhatHappened = "See what happened to everything you raised",
        Alerts = "Your alerts",
        AlertsIntro = "Choose where and what you hear about from your neighbourhood policing team, and how.",
        Where = "Where",
        Postcode = "Your postcode",
        PostcodeHint = "For alerts about your own neighbourhood, such as NG6 8AB.",
        OtherAreas = "Other areas (optional; hold Ctrl to choose more than one)",
        OtherAreasLabel = "Other areas",
        WhatAbout = "What about",
        How = "How",
        InApp = "In this app (always, while you are subscribed)",
        ByEmail = "By email",
        Email = "Email address",
        EmailHint = "We send a link to check it is yours before we use it.",
        BySms = "By text message",
        Phone = "UK mobile number",
        Language = "Language",
        Languages = new Dictionary<string, string> { ["en"] = "English", ["cy"] = "Welsh (Cymraeg)" },
        QuietHours = "Quiet hours",
        QuietHoursOptional = "Quiet hours (optional)",
        QuietHint = "No emails or texts between these times, UK time, unless an alert is urgent. Messages still arrive here.",
        QuietFrom = "From",
        QuietUntil = "Until",
        QuietFromLabel = "Quiet hours from",
        QuietUntilLabel = "Quiet hours until",
        SaveChanges = "Save changes",
        Subscribe = "Subscribe",
        StopHeading = "Stop or erase",
        UnsubscribeInfo = "Unsubscribing stops every alert. Your choices are kept, so you can subscribe again.",
        Unsubscribe = "Unsubscribe from all alerts",
        EraseWarning = "This erases your subscription, your messages and your contact details for good.",
        EraseConfirm = "Yes, erase everything",
        EraseKeep = "No, keep it",
        Erase = "Erase everything",
        Saved = "Your choices are saved.",
        Unsubscribed = "You are unsubscribed. You will get no more alerts until you subscribe again.",
        Erased = "Everything we held about you for alerts is erased. You can subscribe again at any time.",
        Interests = Api.MessagingWords.Interests,
        FindSurgery = "Find a surgery",
        FindIntro = "Meet your neighbourhood team in person. Choose your area to see what is coming up.",
        YourArea = "Your area",
        ChooseArea = "Choose your area",
        ComingUpIn = area => $"Coming up in {area}",
        NoSurgeries = "There are no surgeries planned here yet. Please check again soon.",
        When = "When",
        Access = "Access",
        StepFree = "Step-free access",
        NoStepFree = "No step-free access",
        PrivateTalk = ". You can talk in private.",
        Places = "Places",
        DropIn = "Drop-in: no booking needed",
        PlacesLeft = (left, capacity) => $"{left} of {capacity} places left",
        Full = waiting => $"Full ({waiting} on the waiting list)",
        BookAPlace = "Book a place",
        BookAPlaceAt = (title, date) => $" at {title}, {date}",
        BackToSurgeries = "Back to surgeries",
        YouAreBooked = "You are booked",
        PlaceConfirmed = "Your place is confirmed. You can see it in",
        OnWaitingList = "You are on the waiting list",
        WaitingNumber = n => $"You are number {n}. We will tell you if a place comes up.",
        YourName = "Your name",
        Contact = "Email address or phone number",
        ContactHint = "So the team can tell you if anything changes.",
        Needs = "Anything we should know to help you take part? (optional)",
        NeedsLabel = "Anything we should know",
        NeedsHint = "For example: an interpreter, step-free access or a quiet space.",
        HearBack = "Tell me what was done about anything I raise at this surgery",
        HearBackHint = "We tell you in your messages here, if you have signed up for alerts. Nobody else is told that you raised it.",
        Book = "Book",
        MyBookings = "My bookings",
        NoBookings = "You have no bookings.",
        Booked = "Booked",
        WaitingListNumber = n => $"Waiting list, number {n}",
        Cancelled = "Cancelled",
        Raised = "What happened to what I raised",
        RaisedIntro = "The issues you raised at a surgery or in a reply, when you asked to hear back, and what your neighbourhood team did about them.",
        NothingRaised = "Nothing yet. When you raise an issue at a surgery and ask to hear back, it appears here.",
        Area = "Area",
        Topic = "Topic",
        RaisedHeading = "You raised it",
        AtSurgery = (title, date) => title is null ? $"At a surgery on {date}" : $"At the surgery \u201c{title}\u201d on {date}",
        InReply = date => $"In a reply to a message, on {date}",
        RaisedOn = date => $"On {date}",
        Status = "What is happening",
        Considering = "Your neighbourhood team is considering it",
        Adopted = "Adopted as a local priority",
        ActionTaken = "Adopted as a local priority: action taken",
        PassedTo = partner => $"Passed to {partner ?? "a partner organisation"}, who deal with this",
        ClosedOn = date => $"Closed on {date}",
        WhatWasDone = "What was done",
        NothingDoneYet = "Nothing has been recorded yet. We will tell you when something is done.",
        Result = outcome => $"Result: {outcome}",
        LocalPriorities = "Have your say on local priorities",
        LocalPrioritiesIntro = "These are issues people have raised where you live. Your neighbourhood team chooses its local priorities every three months, "
            + "and votes show which issues matter most to the community. You can vote once for each issue.",
        NoKnownArea = "We do not know which area you live in yet. Add your postcode to your alerts and the issues raised where you live will appear here.",
        AddYourPostcode = "Add your postcode",
        IssuesIn = areas => $"Issues raised in {areas}",
        NoLocalIssues = "There are no issues open to a vote in your area just now.",
        FirstRaised = "First raised",
        Support = "Support so far",
        SupportCount = (mentions, votes) => $"Raised {mentions} {(mentions == 1 ? "time" : "times")}, {votes} {(votes == 1 ? "vote" : "votes")}",
        VoteForThis = "Vote for this",
        YouVoted = "You voted for this",
        Categories = Surgeries.SurgeryText.Categories.ToDictionary(c => c.Code, c => c.Name),
        Date = LondonTime.Date,
        DateTime = Api.MessagingWords.Time,
        Day = d => d.ToString("dddd d MMMM yyyy", EnglishCulture),
        Span = LondonTime.Span,

        // The API's problems, the signed-out home page and the demo sign-in page.
        ProblemTitles = new Dictionary<string, string>(),
        FieldProblems = [],
        SignedOutIntro = "Book a surgery with your neighbourhood team, read alerts for your area, and, for police staff, plan and record engagement.",
        SignIn = "Sign in",
        DemoSignIn = "Local demo sign-in",
        DemoSignInNote = "(this machine only: pick any role and area)",
        DemoLocalOnly = "Local only:",
        DemoWarning = "this page exists only on a machine with the local signing key. It signs you in as any role and area, with no password. Real users sign in through the force's identity provider.",
        DemoRole = "Role",
        DemoRoles = new Dictionary<string, string>
        {
            [Roles.Neighbourhood] = "Neighbourhood officer or PCSO", [Roles.Communications] = "Communications officer", [Roles.Analyst] = "Analyst",
            [Roles.Resident] = "Resident", [Roles.Admin] = "Admin",
        },
        DemoUserId = "User id",
        DemoUserIdHint = "A resident's subscriber id, or a member of staff's id. Left empty: local-(role).",
        DemoAreas = "Areas",
        DemoAreasHint = "Staff act only in the areas they are given. Residents and admins need none.",
        DemoForceWide = "Force-wide (every area)",
        DemoChooseAreas = "Or choose areas (hold Ctrl to choose more than one)",
    };

    public static ResidentText Welsh { get; } = new()
    {
        HtmlLang = "cy",
        SkipLink = "Neidio i'r prif gynnwys",
        Footer = "Ymgysylltu â'r gymdogaeth. Mae amseroedd yn amser y DU (Ewrop/Llundain).",
        Home = "Hafan",
        SignedInAs = "Wedi mewngofnodi fel",
        SignOut = "Allgofnodi",
        Nav = new Dictionary<string, string>
        {
            ["inbox"] = "Eich negeseuon", ["find-a-surgery"] = "Dod o hyd i gymhorthfa", ["my-bookings"] = "Fy archebion", ["subscription"] = "Eich rhybuddion",
            ["what-i-raised"] = "Beth ddigwyddodd i'r hyn a godais i",
            ["local-priorities"] = "Dweud eich dweud am flaenoriaethau lleol",
        },
        LanguageNav = "Iaith",
        HomeHeading = "Ymgysylltu â'r gymdogaeth",
        HomeChoose = "Dewiswch beth rydych chi am ei wneud:",
        ProblemHeading = "Mae problem",
        ErrorLabel = "Gwall:",
        Loading = "Wrthi'n llwytho…",
        Messages = "Eich negeseuon",
        MessageCount = (unread, total) => $"{unread} yn newydd o {total} o negeseuon.",
        NoMessages = "Does gennych chi ddim negeseuon eto. Bydd rhybuddion i'ch ardal yn cyrraedd yma.",
        ChooseWhatYouHear = "Dewiswch beth rydych chi'n clywed amdano",
        New = "Newydd",
        LoadingMessages = "Wrthi'n llwytho eich negeseuon…",
        Message = "Neges",
        BackToMessages = "Yn ôl i'ch negeseuon",
        Sent = t => $"Anfonwyd {t}",
        MessageNotFound = "Ni chafwyd hyd i'r neges honno.",
        MessageNotFoundDetail = "Efallai ei bod yn hŷn na'ch 100 neges fwyaf diweddar, neu ei bod wedi'i dileu.",
        WasItUseful = "Oedd y neges hon yn ddefnyddiol?",
        Useful = "Oedd, roedd yn ddefnyddiol",
        NotUseful = "Nac oedd, doedd hi ddim yn ddefnyddiol",
        RatedUseful = "Dywedoch chi fod hon yn ddefnyddiol. Diolch.",
        RatedNotUseful = "Dywedoch chi nad oedd hon yn ddefnyddiol. Diolch.",
        ReplyHeading = "Ateb eich tîm plismona bro",
        ReplySent = (sent, due) => $"Anfonwyd eich ateb ar {sent}. Mae'ch tîm plismona bro yn anelu at ateb erbyn {due}.",
        YourReply = "Eich ateb",
        ReplyHint = "Peidiwch â defnyddio hwn i roi gwybod am drosedd. Ffoniwch 999 mewn argyfwng, neu 101.",
        SendReply = "Anfon ateb",
        LoadingMessage = "Wrthi'n llwytho'r neges…",
        SeeWhatHappened = "Gweld beth ddigwyddodd i bopeth a godoch chi",
        Alerts = "Eich rhybuddion",
        AlertsIntro = "Dewiswch ble a beth rydych chi'n clywed amdano gan eich tîm plismona bro, a sut.",
        Where = "Ble",
        Postcode = "Eich cod post",
        PostcodeHint = "Ar gyfer rhybuddion am eich cymdogaeth eich hun, er enghraifft NG6 8AB.",
        OtherAreas = "Ardaloedd eraill (dewisol; daliwch Ctrl i ddewis mwy nag un)",
        OtherAreasLabel = "Ardaloedd eraill",
        WhatAbout = "Am beth",
        How = "Sut",
        InApp = "Yn yr ap hwn (bob amser, tra byddwch wedi tanysgrifio)",
        ByEmail = "Drwy e-bost",
        Email = "Cyfeiriad e-bost",
        EmailHint = "Rydym yn anfon dolen i wirio mai chi biau'r cyfeiriad cyn i ni ei ddefnyddio.",
        BySms = "Drwy neges destun",
        Phone = "Rhif ffôn symudol yn y DU",
        Language = "Iaith",
        Languages = new Dictionary<string, string> { ["en"] = "Saesneg (English)", ["cy"] = "Cymraeg" },
        QuietHours = "Oriau tawel",
        QuietHoursOptional = "Oriau tawel (dewisol)",
        QuietHint = "Dim e-byst na negeseuon testun rhwng yr amseroedd hyn, amser y DU, oni bai bod rhybudd yn un brys. Bydd negeseuon yn dal i gyrraedd yma.",
        QuietFrom = "O",
        QuietUntil = "Tan",
        QuietFromLabel = "Oriau tawel o",
        QuietUntilLabel = "Oriau tawel tan",
        SaveChanges = "Cadw'r newidiadau",
        Subscribe = "Tanysgrifio",
        StopHeading = "Stopio neu ddileu",
        UnsubscribeInfo = "Mae dad-danysgrifio yn atal pob rhybudd. Rydym yn cadw eich dewisiadau, felly gallwch danysgrifio eto.",
        Unsubscribe = "Dad-danysgrifio o bob rhybudd",
        EraseWarning = "Mae hyn yn dileu eich tanysgrifiad, eich negeseuon a'ch manylion cyswllt am byth.",
        EraseConfirm = "Ydw, dileu popeth",
        EraseKeep = "Na, ei gadw",
        Erase = "Dileu popeth",
        Saved = "Mae eich dewisiadau wedi'u cadw.",
        Unsubscribed = "Rydych chi wedi dad-danysgrifio. Ni chewch chi ragor o rybuddion nes i chi danysgrifio eto.",
        Erased = "Mae popeth oedd gennym amdanoch chi ar gyfer rhybuddion wedi'i ddileu. Gallwch danysgrifio eto unrhyw bryd.",
        Interests = new Dictionary<string, string>
        {
            ["burglary"] = "Byrgleriaeth", ["asb"] = "Ymddygiad gwrthgymdeithasol", ["fraud"] = "Twyll", ["scams"] = "Sgamiau",
            ["road-safety"] = "Diogelwch ar y ffyrdd", ["surgeries"] = "Cymorthfeydd lleol", ["rural-crime"] = "Troseddau gwledig",
            ["vehicle-crime"] = "Troseddau cerbydau", ["knife-crime"] = "Troseddau cyllyll", ["vawg"] = "Trais yn erbyn menywod a merched",
            ["hate-crime"] = "Troseddau casineb", ["missing-people"] = "Pobl ar goll", ["appeals"] = "Apeliadau am wybodaeth",
        },
        FindSurgery = "Dod o hyd i gymhorthfa",
        FindIntro = "Dewch i gwrdd â'ch tîm plismona bro wyneb yn wyneb. Dewiswch eich ardal i weld beth sydd i ddod.",
        YourArea = "Eich ardal",
        ChooseArea = "Dewiswch eich ardal",
        ComingUpIn = area => $"I ddod yn {area}",
        NoSurgeries = "Does dim cymorthfeydd wedi'u trefnu yma eto. Edrychwch eto cyn bo hir.",
        When = "Pryd",
        Access = "Mynediad",
        StepFree = "Mynediad heb risiau",
        NoStepFree = "Dim mynediad heb risiau",
        PrivateTalk = ". Gallwch siarad yn breifat.",
        Places = "Lleoedd",
        DropIn = "Galw heibio: does dim angen archebu",
        PlacesLeft = (left, capacity) => $"{left} o {capacity} lle ar ôl",
        Full = waiting => $"Llawn ({waiting} ar y rhestr aros)",
        BookAPlace = "Archebu lle",
        BookAPlaceAt = (title, date) => $" yn {title}, {date}",
        BackToSurgeries = "Yn ôl i'r cymorthfeydd",
        YouAreBooked = "Mae gennych chi le",
        PlaceConfirmed = "Mae eich lle wedi'i gadarnhau. Gallwch ei weld yn",
        OnWaitingList = "Rydych chi ar y rhestr aros",
        WaitingNumber = n => $"Chi yw rhif {n}. Byddwn yn rhoi gwybod i chi os daw lle ar gael.",
        YourName = "Eich enw",
        Contact = "Cyfeiriad e-bost neu rif ffôn",
        ContactHint = "Er mwyn i'r tîm allu rhoi gwybod i chi os bydd unrhyw beth yn newid.",
        Needs = "Oes unrhyw beth y dylem ei wybod i'ch helpu i gymryd rhan? (dewisol)",
        NeedsLabel = "Unrhyw beth y dylem ei wybod",
        NeedsHint = "Er enghraifft: cyfieithydd, mynediad heb risiau neu le tawel.",
        HearBack = "Rhowch wybod i mi beth a wnaed am unrhyw beth rwy'n ei godi yn y gymhorthfa hon",
        HearBackHint = "Byddwn yn dweud wrthych chi yn eich negeseuon yma, os ydych chi wedi cofrestru i gael rhybuddion. Does neb arall yn cael gwybod mai chi a'i cododd.",
        Book = "Archebu",
        MyBookings = "Fy archebion",
        NoBookings = "Does gennych chi ddim archebion.",
        Booked = "Wedi archebu",
        WaitingListNumber = n => $"Rhestr aros, rhif {n}",
        Cancelled = "Wedi'i chanslo",
        Raised = "Beth ddigwyddodd i'r hyn a godais i",
        RaisedIntro = "Y materion a godoch chi mewn cymhorthfa neu mewn ateb, pan ofynnoch chi am gael clywed yn ôl, a beth wnaeth eich tîm plismona bro amdanyn nhw.",
        NothingRaised = "Dim byd eto. Pan fyddwch chi'n codi mater mewn cymhorthfa ac yn gofyn am gael clywed yn ôl, bydd yn ymddangos yma.",
        Area = "Ardal",
        Topic = "Pwnc",
        RaisedHeading = "Fe godoch chi hyn",
        AtSurgery = (title, date) => title is null ? $"Mewn cymhorthfa ar {date}" : $"Yn y gymhorthfa \u201c{title}\u201d ar {date}",
        InReply = date => $"Mewn ateb i neges, ar {date}",
        RaisedOn = date => $"Ar {date}",
        Status = "Beth sy'n digwydd",
        Considering = "Mae eich tîm plismona bro yn ei ystyried",
        Adopted = "Wedi'i fabwysiadu'n flaenoriaeth leol",
        ActionTaken = "Wedi'i fabwysiadu'n flaenoriaeth leol: mae camau wedi'u cymryd",
        PassedTo = partner => $"Wedi'i drosglwyddo i {partner ?? "sefydliad partner"}, sy'n delio â hyn",
        ClosedOn = date => $"Wedi'i gau ar {date}",
        WhatWasDone = "Beth a wnaed",
        NothingDoneYet = "Does dim byd wedi'i gofnodi eto. Byddwn yn rhoi gwybod i chi pan fydd rhywbeth wedi'i wneud.",
        Result = outcome => $"Canlyniad: {outcome}",
        LocalPriorities = "Dweud eich dweud am flaenoriaethau lleol",
        LocalPrioritiesIntro = "Dyma faterion mae pobl wedi'u codi lle rydych chi'n byw. Mae eich tîm plismona bro yn dewis ei flaenoriaethau lleol bob tri mis, "
            + "ac mae pleidleisiau'n dangos pa faterion sydd bwysicaf i'r gymuned. Gallwch bleidleisio unwaith dros bob mater.",
        NoKnownArea = "Dydyn ni ddim yn gwybod ym mha ardal rydych chi'n byw eto. Ychwanegwch eich cod post at eich rhybuddion a bydd y materion a godwyd lle rydych chi'n byw yn ymddangos yma.",
        AddYourPostcode = "Ychwanegu eich cod post",
        IssuesIn = areas => $"Materion a godwyd yn {areas}",
        NoLocalIssues = "Does dim materion yn agored i bleidlais yn eich ardal ar hyn o bryd.",
        FirstRaised = "Codwyd gyntaf",
        Support = "Cefnogaeth hyd yma",
        SupportCount = (mentions, votes) =>
            $"Wedi'i godi {(mentions == 1 ? "unwaith" : $"{mentions} o weithiau")}, {(votes == 1 ? "1 bleidlais" : $"{votes} o bleidleisiau")}",
        VoteForThis = "Pleidleisio dros hwn",
        YouVoted = "Rydych chi wedi pleidleisio dros hwn",
        Categories = new Dictionary<string, string>
        {
            ["asb"] = "Ymddygiad gwrthgymdeithasol", ["burglary"] = "Byrgleriaeth", ["vehicle-crime"] = "Troseddau cerbydau", ["robbery"] = "Lladrata",
            ["violence"] = "Trais", ["knife-crime"] = "Troseddau cyllyll", ["vawg"] = "Trais yn erbyn menywod a merched", ["drugs"] = "Cyffuriau",
            ["hate-crime"] = "Troseddau casineb", ["fraud"] = "Twyll", ["exploitation"] = "Camfanteisio", ["rural-crime"] = "Troseddau gwledig",
            ["road-safety"] = "Diogelwch ar y ffyrdd", ["environmental"] = "Yr amgylchedd", ["other"] = "Arall",
        },
        Date = t => London.Show(t).ToString("dddd d MMMM yyyy", WelshCulture),
        DateTime = t => London.Show(t).ToString("d MMMM yyyy, HH:mm", WelshCulture),
        Day = d => d.ToString("dddd d MMMM yyyy", WelshCulture),
        Span = (start, end) => $"{London.Show(start).ToString("dddd d MMMM yyyy, HH:mm", WelshCulture)} i {London.Show(end).ToString("HH:mm", WelshCulture)}",

        // The API's problems, the signed-out home page and the demo sign-in page.
        ProblemTitles = new Dictionary<string, string>
        {
            ["validation"] = "Gwiriwch y manylion sydd wedi'u marcio.",
            ["not-found"] = "Ni chafwyd hyd i hynny.",
            ["erased"] = "Mae eich data wedi'i ddileu.",
            ["already-booked"] = "Mae gennych le yn y gymhorthfa hon yn barod.",
            ["surgery-not-open"] = "Nid yw'r gymhorthfa hon yn derbyn archebion mwyach.",
            ["surgery-started"] = "Mae'r gymhorthfa hon wedi dechrau; nid yw'n derbyn rhagor o archebion.",
            ["drop-in"] = "Cymhorthfa galw heibio yw hon: nid oes angen archebu, dewch draw.",
            ["booking-cancelled"] = "Mae'r archeb hon wedi'i chanslo'n barod.",
            ["not-yours"] = "Gallwch archebu i chi'ch hun yn unig.",
            ["not-a-recipient"] = "Ni chawsoch y neges hon.",
            ["link-expired"] = "Mae'r ddolen hon wedi dod i ben.",
            ["link-invalid"] = "Nid yw'r ddolen hon yn ddilys.",
            ["link-superseded"] = "Mae'r ddolen hon ar gyfer cyfeiriad e-bost nad yw ar eich tanysgrifiad mwyach.",
            ["0"] = "Ni atebodd y gwasanaeth. Mae'r hyn a deipiwyd gennych yma o hyd; rhowch gynnig arall arni mewn munud.",
            ["401"] = "Mae eich sesiwn wedi dod i ben. Mewngofnodwch eto.",
            ["403"] = "Nid oes gennych ganiatâd i wneud hynny.",
            ["404"] = "Ni chafwyd hyd i hynny.",
            ["409"] = "Mae rhywbeth wedi newid ers i chi agor y dudalen hon. Rhowch gynnig arall arni.",
            ["410"] = "Mae eich data wedi'i ddileu.",
            ["429"] = "Gormod o geisiadau. Arhoswch funud, yna rhowch gynnig arall arni.",
            ["500"] = "Aeth rhywbeth o'i le. Mae'r hyn a deipiwyd gennych yma o hyd; rhowch gynnig arall arni yn nes ymlaen.",
        },
        FieldProblems =
        [
            new("*", @"^Required\.$", "Mae angen hwn."),
            new("*", @"^At most (\d+) characters\.$", "Dim mwy na $1 nod."),
            new("postcode", "outside", "Mae'r cod post hwn y tu allan i bob ardal blismona yn Swydd Nottingham, felly ni all ddewis eich ardal. Dewiswch ardaloedd yn lle hynny."),
            new("postcode", null, "Nid yw hwn yn god post dilys yn y DU. Ysgrifennwch ef fel NG6 8AB."),
            new("areas", "^At most", "Gormod o ardaloedd. Dewiswch lai."),
            new("areas", "^Give a postcode", "Rhowch god post, neu o leiaf un ardal, neu'r ddau."),
            new("areas", null, "Nid yw hon yn un o ardaloedd plismona'r gymdogaeth."),
            new("interests", "^Required", "Dewiswch o leiaf un peth yr hoffech glywed amdano."),
            new("interests", null, "Nid yw hwn yn un o'r pethau y gallwch ddewis clywed amdanynt."),
            new("email", null, "Nid yw hwn yn gyfeiriad e-bost dilys. Ysgrifennwch ef fel enw@example.com."),
            new("phone", null, "Nid yw hwn yn rhif ffôn symudol yn y DU. Ysgrifennwch ef fel 07700 900123."),
            new("language", null, "Dewiswch Gymraeg neu Saesneg."),
            new("quietHours.start", null, "Amser ar y cloc 24 awr, fel 22:00. Mae angen amser dechrau ac amser gorffen."),
            new("quietHours.end", null, "Amser ar y cloc 24 awr, fel 07:00. Mae angen amser dechrau ac amser gorffen."),
            new("quietHours", null, "Rhaid i'r amser dechrau a'r amser gorffen fod yn wahanol. Gall y cyfnod redeg dros hanner nos, fel 22:00 i 07:00."),
            new("body", "postcode or areas", "Rhowch god post neu ardaloedd, a'r pethau yr hoffech glywed amdanynt."),
            new("contact", null, "Rhowch gyfeiriad e-bost neu rif ffôn."),
            new("useful", null, "Dewiswch ie neu na."),
        ],
        SignedOutIntro = "Archebwch le mewn cymhorthfa gyda'ch tîm plismona yn y gymdogaeth, darllenwch rybuddion ar gyfer eich ardal, ac, i staff yr heddlu, cynlluniwch a chofnodwch ymgysylltu.",
        SignIn = "Mewngofnodi",
        DemoSignIn = "Mewngofnodi demo lleol",
        DemoSignInNote = "(y peiriant hwn yn unig: dewiswch unrhyw rôl ac ardal)",
        DemoLocalOnly = "Lleol yn unig:",
        DemoWarning = "dim ond ar beiriant sydd â'r allwedd lofnodi leol y mae'r dudalen hon ar gael. Mae'n eich mewngofnodi fel unrhyw rôl ac ardal, heb gyfrinair. Mae defnyddwyr go iawn yn mewngofnodi drwy ddarparwr hunaniaeth yr heddlu.",
        DemoRole = "Rôl",
        DemoRoles = new Dictionary<string, string>
        {
            [Roles.Neighbourhood] = "Swyddog cymdogaeth neu SCCH", [Roles.Communications] = "Swyddog cyfathrebu", [Roles.Analyst] = "Dadansoddwr",
            [Roles.Resident] = "Preswylydd", [Roles.Admin] = "Gweinyddwr",
        },
        DemoUserId = "Dynodydd defnyddiwr",
        DemoUserIdHint = "Dynodydd tanysgrifiwr preswylydd, neu ddynodydd aelod o staff. Os yw'n wag: local-(rôl).",
        DemoAreas = "Ardaloedd",
        DemoAreasHint = "Dim ond yn yr ardaloedd a roddir iddynt y mae staff yn gweithredu. Nid oes angen yr un ar breswylwyr a gweinyddwyr.",
        DemoForceWide = "Yr heddlu cyfan (pob ardal)",
        DemoChooseAreas = "Neu dewiswch ardaloedd (daliwch Ctrl i ddewis mwy nag un)",
    };
}
