"""The kit: the one vocabulary every chapter uses (qualifier readings, words, names, dates,
escaping, the chart theme and the page helpers). It reads the data layer only."""
