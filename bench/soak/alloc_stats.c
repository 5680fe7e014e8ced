// The soak's view into tcmalloc (bench/soak/run.sh, ALLOC_STATS=1), preloaded into `rootzone
// serve`: every 10 s one line of the allocator's own accounting to ALLOC_STATS_FILE, in MiB: what
// the application holds, the heap tcmalloc took from the system, and its free lists (page heap,
// central, transfer and thread caches) with the thread caches' bound. RssAnon alone cannot tell a
// leak from an allocator keeping freed memory; this can (docs/RELIABILITY.md "Soak").
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

typedef int (*get_fn)(const char*, size_t*);
static const char* names[] = {"generic.current_allocated_bytes", "generic.heap_size",
  "tcmalloc.pageheap_free_bytes", "tcmalloc.pageheap_unmapped_bytes",
  "tcmalloc.central_cache_free_bytes", "tcmalloc.transfer_cache_free_bytes",
  "tcmalloc.thread_cache_free_bytes", "tcmalloc.current_total_thread_cache_bytes",
  "tcmalloc.max_total_thread_cache_bytes"};

static void* loop(void* arg) {
  (void)arg;
  const char* path = getenv("ALLOC_STATS_FILE");
  const char* every = getenv("ALLOC_STATS_EVERY");
  unsigned s = every ? (unsigned)atoi(every) : 10;
  get_fn get = (get_fn)dlsym(RTLD_DEFAULT, "MallocExtension_GetNumericProperty");
  if (!path || !get) return NULL;
  FILE* f = fopen(path, "w");
  if (!f) return NULL;
  fprintf(f, "# seconds");
  for (size_t i = 0; i < sizeof names / sizeof *names; ++i) fprintf(f, " %s", names[i]);
  fprintf(f, " (MiB)\n");
  time_t t0 = time(NULL);
  for (;;) {
    fprintf(f, "%ld", (long)(time(NULL) - t0));
    for (size_t i = 0; i < sizeof names / sizeof *names; ++i) {
      size_t v = 0;
      get(names[i], &v);
      fprintf(f, " %.2f", v / 1048576.0);
    }
    fprintf(f, "\n");
    fflush(f);
    sleep(s);
  }
  return NULL;
}

__attribute__((constructor)) static void start(void) {
  if (!getenv("ALLOC_STATS_FILE")) return;
  pthread_t t;
  pthread_create(&t, NULL, loop, NULL);
  pthread_detach(t);
}
