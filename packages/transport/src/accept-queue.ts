import type * as net from 'node:net';

/**
 * Accepted TCP sockets waiting for `accept()`, in arrival order, with any number of callers waiting
 * in turn.
 *
 * A queued socket has nobody reading it yet, so the queue owns its failures: a peer that resets the
 * connection while it waits makes node emit 'error' on the socket, and an 'error' event without a
 * listener throws out of the event loop and ends the process. Every socket gets a listener on
 * arrival, and one that closes while queued leaves the queue (the kernel's backlog does the same
 * for connections reset before accept(2)). The queue is bounded: past `limit` waiting sockets a new
 * one is reset at once, so a connection flood cannot pile up descriptors and memory behind a slow
 * accept loop.
 */
export class AcceptQueue {
  private readonly sockets: net.Socket[] = [];
  private readonly waiters: ((socket: net.Socket | null) => void)[] = [];
  private ended = false;
  /** Connections refused because the queue was full (for tests and monitoring). */
  refused = 0;

  constructor(private readonly limit: number) {}

  get length(): number {
    return this.sockets.length;
  }

  push(socket: net.Socket): void {
    socket.on('error', ignore);
    const waiter = this.waiters.shift();
    if (waiter !== undefined) {
      waiter(socket);
      return;
    }
    if (this.ended || this.sockets.length >= this.limit) {
      this.refused++;
      socket.resetAndDestroy();
      return;
    }
    const onClose = (): void => {
      const index = this.sockets.indexOf(socket);
      if (index >= 0) this.sockets.splice(index, 1);
    };
    socket.once('close', onClose);
    this.sockets.push(socket);
    queued.set(socket, onClose);
  }

  /** Stops queueing: waiting callers get null, queued sockets are closed. */
  end(): void {
    this.ended = true;
    for (const waiter of this.waiters.splice(0)) waiter(null);
    for (const socket of this.sockets.splice(0)) socket.destroy();
  }

  /** The next live socket, its queue-time listeners removed; null once ended. */
  take(): Promise<net.Socket | null> {
    for (;;) {
      const socket = this.sockets.shift();
      if (socket === undefined) break;
      release(socket);
      if (!socket.destroyed) return Promise.resolve(socket);
    }
    if (this.ended) return Promise.resolve(null);
    return new Promise((resolve) => {
      this.waiters.push(resolve);
    });
  }
}

const queued = new WeakMap<net.Socket, () => void>();

function ignore(): void {}

function release(socket: net.Socket): void {
  const onClose = queued.get(socket);
  if (onClose !== undefined) socket.off('close', onClose);
  queued.delete(socket);
  // The error listener stays: whoever takes the socket adds its own, and one more that ignores
  // errors costs nothing while it guarantees no 'error' ever goes unheard.
}
