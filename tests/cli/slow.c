/* slow.c: stops in ready(), then sleeps: for the tests that end stacklab
 * while the program is traced or running on. */
#include <stdio.h>
#include <unistd.h>

int ready(void)
{
    return 1;
}

int main(int argc, char **argv)
{
    (void)argc, (void)argv;
    if (argc > 1 && argv[1][0] == 'b')
        sleep(30);              /* before the point: traced while it sleeps */
    ready();
    sleep(30);                  /* after it: running on untraced */
    return 0;
}
