"""The numbers of the rules (揭工总〔2022〕39号) as one versioned, editable rule set."""
