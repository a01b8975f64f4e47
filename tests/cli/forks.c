/* forks.c: the child calls leaf() too, untraced; the parent is stopped there. */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int leaf(int who)
{
    return who + 1;
}

int main(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        printf("child %d\n", leaf(10));
        return 7;
    }
    int st;
    waitpid(pid, &st, 0);
    printf("child exited %d\n", WEXITSTATUS(st));
    printf("parent %d\n", leaf(20));
    return 3;
}
