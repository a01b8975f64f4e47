/* threads.c: workers that each reach work(); one of them is stopped there. */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static pthread_barrier_t all_started;

int work(int id)
{
    return id * 2;
}

static void *worker(void *arg)
{
    int id = (int)(long)arg;
    pthread_barrier_wait(&all_started);
    if (id == 2)
        printf("work %d\n", work(id));
    else
        sleep(1);
    return NULL;
}

int main(void)
{
    pthread_t t[3];
    pthread_barrier_init(&all_started, NULL, 3);
    for (long i = 0; i < 3; i++)
        pthread_create(&t[i], NULL, worker, (void *)i);
    for (int i = 0; i < 3; i++)
        pthread_join(t[i], NULL);
    return 0;
}
