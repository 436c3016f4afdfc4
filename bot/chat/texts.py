"""What the chat channels answer instead of the bot when a message is refused (Danish)."""

EMPTY = "Jeg modtog en tom besked. Skriv gerne dit spørgsmål, så svarer jeg."
NOT_TEXT = "Jeg kunne ikke læse din besked. Prøv at skrive den igen."
TOO_LONG = ("Din besked er for lang: jeg kan højst læse {limit} tegn ad gangen. "
            "Prøv at skrive dit spørgsmål kortere.")
SLOW_DOWN = ("Du skriver hurtigere, end jeg kan nå at svare. Vent et øjeblik, "
             "og send så din besked igen.")
BAD_SESSION = "Samtalens id er ugyldigt. Vælg \"Start forfra\" for at begynde en ny samtale."
UNAVAILABLE = ("Undskyld, chatten har tekniske problemer lige nu, så din besked blev ikke "
               "modtaget. Prøv igen om lidt.")
NOT_THIS_CONNECTION = ("Din besked hører til en samtale, der ikke er åbnet i dette vindue. "
                       "Genindlæs siden, og skriv igen.")
