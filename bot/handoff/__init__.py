"""Hand-off from the assistant to a human eVejleder: cases, opening hours, callbacks."""
