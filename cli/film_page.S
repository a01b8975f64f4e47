/*
 * film_page.S: the page template of `stacklab film` (film_page.html), built
 * into the program so that the command is one file and the page needs
 * nothing at run time.
 *
 *     extern const char film_page_html[];      // the template, NUL-terminated
 *
 * Data only: no code, so no CFI.  The object depends on the template in the
 * Makefile, so editing the page rebuilds the program.
 */
    .section .rodata
    .globl film_page_html
    .type film_page_html, @object
film_page_html:
    .incbin "cli/film_page.html"  /* the path is relative to the repository: make runs there */
    .byte 0                         /* the C string's terminator */
    .size film_page_html, . - film_page_html

    .section .note.GNU-stack, "", @progbits
