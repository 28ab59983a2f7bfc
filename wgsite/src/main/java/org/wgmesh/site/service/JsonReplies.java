package org.wgmesh.site.service;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** Writes a JSON answer: status, type, not cached, one line. Shared by the API and the page. */
final class JsonReplies {
  private JsonReplies() {}

  static boolean send(Response response, Callback callback, int status, String json) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    Content.Sink.write(response, true, json + "\n", callback);
    return true;
  }
}
