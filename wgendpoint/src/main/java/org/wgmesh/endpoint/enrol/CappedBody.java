package org.wgmesh.endpoint.enrol;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * An answer body read up to a cap: past it, the reading stops (the connection is cancelled) and the
 * body is what came so far, one byte over the cap, so the caller sees it was too long. Unlike
 * reading an {@code InputStream}, it completes the response's future, so one deadline bounds the
 * whole exchange, the body included.
 */
final class CappedBody implements HttpResponse.BodySubscriber<byte[]> {
  private final int cap;
  private final ByteArrayOutputStream received = new ByteArrayOutputStream();
  private final CompletableFuture<byte[]> body = new CompletableFuture<>();
  private Flow.Subscription subscription;

  /** Keeps at most {@code cap} bytes and one more to show there were more. */
  CappedBody(int cap) {
    this.cap = cap;
  }

  @Override
  public CompletionStage<byte[]> getBody() {
    return body;
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    subscription = s;
    s.request(1);
  }

  @Override
  public void onNext(List<ByteBuffer> buffers) {
    for (ByteBuffer b : buffers) {
      int take = Math.min(b.remaining(), cap + 1 - received.size());
      byte[] chunk = new byte[take];
      b.get(chunk);
      received.write(chunk, 0, take);
      if (received.size() > cap) {
        body.complete(received.toByteArray());
        subscription.cancel();
        return;
      }
    }
    subscription.request(1);
  }

  @Override
  public void onError(Throwable failure) {
    body.completeExceptionally(failure);
  }

  @Override
  public void onComplete() {
    body.complete(received.toByteArray());
  }
}
