package org.wgmesh.site.service;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.util.thread.Scheduler;
import org.wgmesh.core.cli.Reporter;

/**
 * Closes every connection a fixed time after it opened, however busy. The idle timeout alone lets a
 * client that sends one byte now and then hold a connection (and, reading a body, a thread) for
 * ever; this bounds the whole exchange. Enrolment and status clients make one short request per
 * connection, so the deadline can be far above what they need.
 */
final class ConnectionDeadline implements Connection.Listener {
  private final Scheduler scheduler;
  private final Duration deadline;
  private final Reporter reporter;
  private final Map<Connection, Scheduler.Task> pending = new ConcurrentHashMap<>();

  ConnectionDeadline(Scheduler scheduler, Duration deadline, Reporter reporter) {
    this.scheduler = scheduler;
    this.deadline = deadline;
    this.reporter = reporter;
  }

  @Override
  public void onOpened(Connection connection) {
    pending.put(
        connection,
        scheduler.schedule(() -> cut(connection), deadline.toMillis(), TimeUnit.MILLISECONDS));
  }

  @Override
  public void onClosed(Connection connection) {
    Scheduler.Task task = pending.remove(connection);
    if (task != null) {
      task.cancel();
    }
  }

  private void cut(Connection connection) {
    if (pending.remove(connection) != null) {
      reporter.detail(
          "enrolment service: %s cut after %d s",
          connection.getEndPoint().getRemoteSocketAddress(), deadline.toSeconds());
      connection.getEndPoint().close();
    }
  }
}
