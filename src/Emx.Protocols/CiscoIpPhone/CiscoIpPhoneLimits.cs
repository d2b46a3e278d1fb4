namespace Emx.Protocols.CiscoIpPhone;

/// <summary>Field limits of Cisco's CiscoIPPhone.xsd (reference 2.4), in UTF-16 characters of the unescaped value.</summary>
public static class CiscoIpPhoneLimits
{
    /// <summary>Title of Input, Text and Menu.</summary>
    public const int TitleMaxLength = 32;

    /// <summary>Prompt of Input, Text and Menu.</summary>
    public const int PromptMaxLength = 32;

    /// <summary>Every URL (Input URL, MenuItem URL, SoftKeyItem URL, ExecuteItem URL).</summary>
    public const int UrlMaxLength = 256;

    /// <summary>CiscoIPPhoneText Text.</summary>
    public const int TextMaxLength = 4000;

    /// <summary>InputItem DisplayName.</summary>
    public const int DisplayNameMaxLength = 32;

    /// <summary>InputItem QueryStringParam.</summary>
    public const int QueryStringParamMaxLength = 32;

    /// <summary>InputItem InputFlags.</summary>
    public const int InputFlagsMaxLength = 3;

    /// <summary>InputItem DefaultValue.</summary>
    public const int DefaultValueMaxLength = 32;

    /// <summary>MenuItem Name.</summary>
    public const int MenuItemNameMaxLength = 64;

    /// <summary>SoftKeyItem Name.</summary>
    public const int SoftKeyNameMaxLength = 32;

    /// <summary>InputItems per Input.</summary>
    public const int MaxInputItems = 5;

    /// <summary>SoftKeyItems per object; also the highest Position.</summary>
    public const int MaxSoftKeys = 8;

    /// <summary>MenuItems per Menu.</summary>
    public const int MaxMenuItems = 100;

    /// <summary>ExecuteItems per Execute (at least one).</summary>
    public const int MaxExecuteItems = 3;

    /// <summary>Highest ExecuteItem Priority.</summary>
    public const int MaxPriority = 3;
}
