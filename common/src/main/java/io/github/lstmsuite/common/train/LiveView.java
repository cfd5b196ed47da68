package io.github.lstmsuite.common.train;

import io.github.lstmsuite.common.UserException;
import java.util.ServiceLoader;
import org.deeplearning4j.optimize.api.TrainingListener;

/**
 * A live view of a training run in the browser, opened by {@code --ui}. The suite's implementation is
 * DL4J's own training UI in the {@code training-ui} module (a {@link Provider} found with
 * {@link ServiceLoader}); it is not a dependency of {@code common}, so that the apps' class path stays
 * free of its web server unless {@code --ui} is given ({@code ./lstm} adds the module then).
 */
public interface LiveView extends AutoCloseable {
    /** The page to open, e.g. {@code http://127.0.0.1:9000/train/overview}. */
    String address();

    /** A listener that reports one network's training to this view (one per network a run trains). */
    TrainingListener listener();

    /** Stops serving. */
    @Override
    void close();

    /** Opens a {@link LiveView}; registered in {@code META-INF/services/io.github.lstmsuite.common.train.LiveView$Provider}. */
    interface Provider {
        /** Starts serving; problems (e.g. no free port) are one-line {@link UserException}s. */
        LiveView open(String app);
    }

    /** The view of the first {@link Provider} on the class path; none is a one-line user error. */
    static LiveView open(String app) {
        for (Provider p : ServiceLoader.load(Provider.class)) {
            return p.open(app);
        }
        throw new UserException("--ui: the training UI is not on the class path: run through ./lstm (it adds the "
                + "training-ui module when --ui is given), or add the io.github.lstmsuite:training-ui dependency");
    }
}
