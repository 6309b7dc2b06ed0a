"""The signals service's pages for people: the vroegsignalering team and the privacy officer."""
