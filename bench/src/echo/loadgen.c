/* The echo benchmark's load generator in C (used when a C compiler exists; loadgen.mjs is the
   fallback): far cheaper per message than any Node client, so on a small machine the server
   under test, not the client, is what gets measured.
   Usage: loadgen PORT CONNS SIZE COUNT. Opens CONNS connections to 127.0.0.1:PORT (or to the
   Unix socket at PORT when it contains a '/'); each does
   request/response (SIZE bytes ending in '\n') until COUNT messages were echoed in total.
   Prints "MESSAGES SECONDS" (time from the first send to the last reply). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static int send_all(int fd, const char *p, int n) {
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w <= 0) return -1;
    p += w;
    n -= w;
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc != 5) return 2;
  int port = atoi(argv[1]), conns = atoi(argv[2]), size = atoi(argv[3]);
  long count = atol(argv[4]), sent = 0, echoed = 0;
  char *msg = malloc(size);
  memset(msg, 'x', size);
  msg[size - 1] = '\n';
  int ep = epoll_create1(0), one = 1;
  int *pending = calloc(65536, sizeof(int));
  int *fds = malloc(sizeof(int) * conns);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int unix_path = strchr(argv[1], '/') != NULL;
  struct sockaddr_un u = {.sun_family = AF_UNIX};
  strncpy(u.sun_path, argv[1], sizeof u.sun_path - 1);
  for (int i = 0; i < conns; i++) {
    int fd = socket(unix_path ? AF_UNIX : AF_INET, SOCK_STREAM, 0);
    if (unix_path ? connect(fd, (struct sockaddr *)&u, sizeof u) : connect(fd, (struct sockaddr *)&a, sizeof a))
      return perror("connect"), 1;
    if (!unix_path) setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = fd};
    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
    fds[i] = fd;
  }
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (int i = 0; i < conns && sent < count; i++, sent++) send_all(fds[i], msg, size);
  static char buf[65536];
  struct epoll_event evs[256];
  while (echoed < count) {
    int n = epoll_wait(ep, evs, 256, 10000);
    if (n <= 0) return fprintf(stderr, "loadgen: no progress for 10 s\n"), 1;
    for (int i = 0; i < n; i++) {
      int fd = evs[i].data.fd;
      ssize_t r = read(fd, buf, sizeof buf);
      if (r <= 0) return fprintf(stderr, "loadgen: connection closed\n"), 1;
      pending[fd] += r;
      while (pending[fd] >= size) {
        pending[fd] -= size;
        echoed++;
        if (sent < count) {
          sent++;
          if (send_all(fd, msg, size)) return perror("write"), 1;
        }
      }
    }
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  printf("%ld %.6f\n", echoed, (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
  for (int i = 0; i < conns; i++) close(fds[i]);
  return 0;
}
