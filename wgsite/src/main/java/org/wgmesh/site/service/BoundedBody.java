package org.wgmesh.site.service;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import org.eclipse.jetty.io.Content;

/**
 * Reads a request body of at most {@code maxBytes} without holding a thread while the client is
 * slow: it takes what has arrived and asks to be called back for more ({@code demand}). A blocking
 * read would let a handful of clients trickling their bodies take every thread of the bounded pool
 * until the connection deadline; this way they hold only their connections.
 */
final class BoundedBody {
  /** What became of the body; exactly one method is called, once. */
  interface Outcome {
    void complete(byte[] body);

    /** The body passed {@code maxBytes}: the rest is not read. */
    void tooLarge();

    /** The connection failed or timed out while the body arrived. */
    void failed(Throwable failure);
  }

  private final Content.Source source;
  private final int maxBytes;
  private final Outcome outcome;
  private final ByteArrayOutputStream received = new ByteArrayOutputStream();

  private BoundedBody(Content.Source source, int maxBytes, Outcome outcome) {
    this.source = source;
    this.maxBytes = maxBytes;
    this.outcome = outcome;
  }

  static void read(Content.Source source, int maxBytes, Outcome outcome) {
    new BoundedBody(source, maxBytes, outcome).readAvailable();
  }

  private void readAvailable() {
    while (true) {
      Content.Chunk chunk = source.read();
      if (chunk == null) {
        source.demand(this::readAvailable);
        return;
      }
      if (Content.Chunk.isFailure(chunk)) {
        outcome.failed(chunk.getFailure());
        return;
      }
      boolean last = chunk.isLast();
      ByteBuffer bytes = chunk.getByteBuffer();
      boolean over = received.size() + bytes.remaining() > maxBytes;
      if (!over) {
        byte[] copy = new byte[bytes.remaining()];
        bytes.get(copy);
        received.writeBytes(copy);
      }
      chunk.release();
      if (over) {
        outcome.tooLarge();
        return;
      }
      if (last) {
        outcome.complete(received.toByteArray());
        return;
      }
    }
  }
}
