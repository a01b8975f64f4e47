/* What the two files of the two-file drop-in test share. */
#ifndef TWO_UNITS_H
#define TWO_UNITS_H
SL_DECLARE_EXCEPTION(ParseError);
int parse_digits(const char *s);
#endif
