package io.github.lstmsuite.ui;

import io.github.lstmsuite.common.UserException;
import io.github.lstmsuite.common.cli.Ports;
import io.github.lstmsuite.common.train.LiveView;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.impl.VertxInternal;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.deeplearning4j.config.DL4JSystemProperties;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.ui.VertxUIServer;
import org.deeplearning4j.ui.model.stats.StatsListener;
import org.deeplearning4j.ui.model.storage.InMemoryStatsStorage;

/**
 * {@code --ui}: DL4J's own training UI ({@link VertxUIServer}, the {@code /train} pages, fed by a
 * {@link StatsListener} through an {@link InMemoryStatsStorage}) — served on the loopback interface only.
 *
 * <p>What this class adds to DL4J, and why. {@code UIServer.getInstance()} listens on every interface
 * ({@code *:9000}), so anyone on the network could watch (and, through its upload routes, post to) a run;
 * DL4J 1.0.0-M2.1 has no setting for the host. Here the server is deployed as a subclass whose Vert.x
 * handle creates HTTP servers that listen on 127.0.0.1 (Vert.x's {@code listen(port)} means 0.0.0.0 whatever the
 * server's options say, so the call itself is redirected to {@code listen(port, "127.0.0.1")}); everything else
 * is DL4J's code. The port
 * is 9000 when it is free, otherwise one the system picks (a second run with {@code --ui} just gets another
 * address instead of DL4J's {@code BindException}).
 */
public final class Dl4jTrainingUi implements LiveView.Provider {
    /** The interface the UI listens on. */
    public static final String HOST = "127.0.0.1";
    /** DL4J's usual port, taken when free. */
    public static final int PREFERRED_PORT = VertxUIServer.DEFAULT_UI_PORT;
    /** Stats every so many iterations: the score chart gets its points without slowing small models much. */
    static final int LISTENER_FREQUENCY = 5;

    @Override
    public LiveView open(String app) {
        return start(PREFERRED_PORT);
    }

    /** Starts the UI on {@code preferredPort} if it is free on {@link #HOST}, else on a free port. */
    public static Session start(int preferredPort) {
        int port = Ports.free(HOST, preferredPort);
        Vertx vertx = Vertx.vertx();
        LoopbackServer server;
        String before = System.getProperty(DL4JSystemProperties.UI_SERVER_PORT_PROPERTY);
        // the verticle reads its port from this property in start(); it is read once, while deploying
        System.setProperty(DL4JSystemProperties.UI_SERVER_PORT_PROPERTY, Integer.toString(port));
        try {
            server = new LoopbackServer();
            CompletableFuture<String> deployed = new CompletableFuture<>();
            vertx.deployVerticle(server, ar -> {
                if (ar.succeeded()) {
                    deployed.complete(ar.result());
                } else {
                    deployed.completeExceptionally(ar.cause());
                }
            });
            deployed.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            vertx.close();
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            while (cause.getCause() != null && cause.getCause() != cause) {
                cause = cause.getCause();
            }
            throw new UserException("--ui: DL4J's training UI could not listen on " + HOST + ":" + port + " (" + cause + ")");
        } catch (InterruptedException e) {
            vertx.close();
            Thread.currentThread().interrupt();
            throw new UserException("--ui: interrupted while starting the training UI");
        } finally {
            if (before == null) {
                System.clearProperty(DL4JSystemProperties.UI_SERVER_PORT_PROPERTY);
            } else {
                System.setProperty(DL4JSystemProperties.UI_SERVER_PORT_PROPERTY, before);
            }
        }
        InMemoryStatsStorage storage = new InMemoryStatsStorage();
        server.attach(storage);
        return new Session(server, storage);
    }

    /** A running UI: its address, a listener per network, {@link #close()} stops it. */
    public static final class Session implements LiveView {
        private final VertxUIServer server;
        private final InMemoryStatsStorage storage;

        Session(VertxUIServer server, InMemoryStatsStorage storage) {
            this.server = server;
            this.storage = storage;
        }

        /** The port it listens on (on {@link #HOST} only). */
        public int port() {
            return server.getPort();
        }

        @Override
        public String address() {
            return "http://" + HOST + ":" + port() + "/train/overview";
        }

        @Override
        public TrainingListener listener() {
            return new StatsListener(storage, LISTENER_FREQUENCY);
        }

        /** The storage the page reads (a test looks into it). */
        public InMemoryStatsStorage storage() {
            return storage;
        }

        @Override
        public void close() {
            try {
                server.stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * DL4J's UI verticle with one change: the {@link Vertx} it is given makes HTTP servers that listen on
     * {@link #HOST}. ({@code VertxUIServer.start} calls {@code vertx.createHttpServer()} with no options.)
     */
    static final class LoopbackServer extends VertxUIServer {
        @Override
        public void init(Vertx vertx, Context context) {
            super.init(loopback(vertx), context);
        }

        private static Vertx loopback(Vertx real) {
            return (Vertx) Proxy.newProxyInstance(LoopbackServer.class.getClassLoader(), new Class<?>[] {VertxInternal.class},
                    (proxy, method, args) -> method.getName().equals("createHttpServer") && (args == null || args.length == 0)
                            ? loopback(real.createHttpServer(new HttpServerOptions().setHost(HOST)))
                            : call(real, method, args));
        }

        /** An HTTP server whose {@code listen(port, handler)} listens on {@link #HOST} (Vert.x's own means 0.0.0.0). */
        private static HttpServer loopback(HttpServer real) {
            return (HttpServer) Proxy.newProxyInstance(LoopbackServer.class.getClassLoader(), new Class<?>[] {HttpServer.class},
                    (proxy, method, args) -> {
                        Object result;
                        Class<?>[] types = method.getParameterTypes();
                        if (method.getName().equals("listen") && types.length >= 1 && types[0] == int.class
                                && (types.length == 1 || types[1] != String.class)) {
                            Object[] withHost = new Object[types.length + 1];        // listen(port[, handler]) → listen(port, HOST[, handler])
                            withHost[0] = args[0];
                            withHost[1] = HOST;
                            System.arraycopy(args, 1, withHost, 2, args.length - 1);
                            Class<?>[] withHostTypes = new Class<?>[types.length + 1];
                            withHostTypes[0] = int.class;
                            withHostTypes[1] = String.class;
                            System.arraycopy(types, 1, withHostTypes, 2, types.length - 1);
                            result = call(real, HttpServer.class.getMethod("listen", withHostTypes), withHost);
                        } else {
                            result = call(real, method, args);
                        }
                        return result == real ? proxy : result;                // fluent calls keep the wrapper
                    });
        }

        private static Object call(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
            try {
                return method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
    }
}
