/*
 * main.c: libstacklab.so loaded by dlopen, as a language binding or a
 * plugin host loads it.  This program does not link stacklab: it starts a
 * thread, then dlopens libstacklab.so (RTLD_NOW) and a plugin linked with
 * it (tests/dlopen/plugin.c), and runs the plugin in main and in that
 * thread, which was running before the load.  Then a third thread runs it
 * and exits after main has closed both: the library's per-thread buffers
 * are freed at thread exit by code that must still be there.
 *
 * A library whose initial-exec thread-locals exceed the static TLS glibc
 * keeps for late loads (1,712 bytes on glibc 2.36, x86-64, for every late
 * load together) fails the dlopen: "cannot allocate memory in static TLS
 * block".  Fitting is not enough when other libraries load late too, so
 * libstacklab's thread-local block (its PT_TLS) must stay within
 * TLS_BUDGET.
 *
 *   usage: main path/to/libstacklab.so path/to/plugin.so
 * Exits 0 when every run succeeded.
 */
#include <dlfcn.h>
#include <link.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define TLS_BUDGET 512

static const char *plugin_path;
static int (*plugin_run)(const char *who);
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t loaded = PTHREAD_COND_INITIALIZER;
static pthread_barrier_t ran, closed;

static void *load(const char *path)
{
    void *h = dlopen(path, RTLD_NOW);
    if (!h)
        fprintf(stderr, "dlopen: %s\n", dlerror());
    return h;
}

/* dl_iterate_phdr callback: the size of libstacklab's thread-local block. */
static int tls_size_of(struct dl_phdr_info *info, size_t size, void *found)
{
    (void)size;
    if (!strstr(info->dlpi_name, "libstacklab.so"))
        return 0;
    for (int i = 0; i < info->dlpi_phnum; i++)
        if (info->dlpi_phdr[i].p_type == PT_TLS)
            *(size_t *)found = info->dlpi_phdr[i].p_memsz;
    return 1;
}

/* Waits for main to load the plugin, loads it again (its own reference),
 * runs it. */
static void *early_thread(void *unused)
{
    (void)unused;
    pthread_mutex_lock(&lock);
    while (!plugin_run)
        pthread_cond_wait(&loaded, &lock);
    pthread_mutex_unlock(&lock);
    void *h = load(plugin_path);
    int failures = h ? plugin_run("thread") : 1;
    if (h)
        dlclose(h);
    return (void *)(long)failures;
}

/* Runs the plugin, lets main close it, then exits. */
static void *late_thread(void *run)
{
    int failures = (*(int (**)(const char *))run)("late thread");
    pthread_barrier_wait(&ran);
    pthread_barrier_wait(&closed);
    return (void *)(long)failures;
}

int main(int argc, char **argv)
{
    pthread_t t;
    void *thread_failures;

    if (argc != 3) {
        fprintf(stderr, "usage: %s libstacklab.so plugin.so\n", argv[0]);
        return 2;
    }
    plugin_path = argv[2];
    if (pthread_create(&t, NULL, early_thread, NULL) != 0)
        return 1;

    void *lib = load(argv[1]), *plugin = lib ? load(argv[2]) : NULL;
    int (*run)(const char *) = plugin ? (int (*)(const char *))dlsym(plugin, "plugin_run") : NULL;
    if (!run) {
        if (plugin)
            fprintf(stderr, "dlsym: %s\n", dlerror());
        return 1;               /* (exit ends the waiting thread too) */
    }
    int failures = run("main");
    size_t tls = 0;
    dl_iterate_phdr(tls_size_of, &tls);
    if (tls > TLS_BUDGET) {
        fprintf(stderr, "libstacklab.so has %zu bytes of thread-locals, more than %d\n",
                tls, TLS_BUDGET);
        failures++;
    }

    pthread_mutex_lock(&lock);
    plugin_run = run;
    pthread_cond_signal(&loaded);
    pthread_mutex_unlock(&lock);
    pthread_join(t, &thread_failures);
    failures += (int)(long)thread_failures;

    pthread_barrier_init(&ran, NULL, 2);
    pthread_barrier_init(&closed, NULL, 2);
    if (pthread_create(&t, NULL, late_thread, &run) != 0)
        return 1;
    pthread_barrier_wait(&ran);
    dlclose(plugin);
    dlclose(lib);
    pthread_barrier_wait(&closed);
    pthread_join(t, &thread_failures);
    failures += (int)(long)thread_failures;
    if (failures == 0)
        printf("dlopen: libstacklab.so loaded, TRY/THROW/CATCH, both walkers and the probe work "
               "in main and in an earlier thread; a thread outlives dlclose\n");
    return failures != 0;
}
