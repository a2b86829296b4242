package dev.credence.server;

import dev.credence.server.config.Config;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * How the serving process stops on {@code SIGTERM} (or {@code SIGINT}, {@code SIGHUP}): readiness
 * answers 503 at once, requests are served for the drain time, then {@link Application#close} stops
 * everything in order and the process exits 0.
 *
 * <p>The signals are taken here rather than in a JVM shutdown hook because hooks run all at once:
 * H2's own hook would close the embedded database while requests and deliveries are still being
 * recorded. H2 refuses to turn its hook off ({@code DB_CLOSE_ON_EXIT=FALSE}) together with {@code
 * AUTO_SERVER=TRUE}, which the command line needs, so the hooks are left to run only after the
 * database is already closed. A shutdown hook remains for an exit that no signal started.
 */
final class OrderlyStop {
  private static final Logger LOG = LoggerFactory.getLogger(OrderlyStop.class);
  private static final String[] SIGNALS = {"TERM", "INT", "HUP"};

  private final Application app;
  private final Config.Shutdown settings;
  private final AtomicBoolean started = new AtomicBoolean();

  private OrderlyStop(Application app, Config.Shutdown settings) {
    this.app = app;
    this.settings = settings;
  }

  static void install(Application app, Config.Shutdown settings) {
    OrderlyStop stop = new OrderlyStop(app, settings);
    for (String name : SIGNALS) {
      try {
        Signal.handle(new Signal(name), stop::onSignal);
      } catch (IllegalArgumentException e) {
        LOG.warn(
            "SIG{} cannot be handled here ({}); it stops the server without a drain",
            name,
            e.getMessage());
      }
    }
    Runtime.getRuntime().addShutdownHook(new Thread(app::close, "credence-exit"));
  }

  private void onSignal(Signal signal) {
    if (!started.compareAndSet(false, true)) {
      LOG.info("SIG{} received; already stopping", signal.getName());
      return;
    }
    Thread stopper = new Thread(() -> stop(signal.getName()), "credence-stop");
    // The signal's thread is a daemon, and so would this one be: once the server's own threads
    // have stopped, the JVM would end in the middle of the stop (the H2 file's compaction).
    stopper.setDaemon(false);
    stopper.start();
  }

  private void stop(String signal) {
    LOG.info(
        "SIG{} received: readiness answers 503; serving {} s more, then stopping (requests in"
            + " flight get up to {} s)",
        signal,
        settings.drain().toSeconds(),
        settings.timeout().toSeconds());
    app.beginShutdown();
    int status = 0;
    try {
      Thread.sleep(settings.drain().toMillis());
      app.close();
      LOG.info("Credence stopped");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      status = 1;
    } catch (RuntimeException e) {
      LOG.error("Credence did not stop cleanly", e);
      status = 1;
    }
    System.exit(status);
  }
}
