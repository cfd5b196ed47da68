package io.github.lstmsuite.common.series;

import io.github.lstmsuite.common.UserException;

/**
 * A chronological split of {@code n} rows: training {@code [0, trainEnd)}, validation
 * {@code [trainEnd, valEnd)}, test {@code [valEnd, n)}. Never shuffled: a model is only ever asked about
 * times after the data it was fitted on.
 */
public record Split(int trainEnd, int valEnd, int n) {
    public Split {
        if (!(0 < trainEnd && trainEnd <= valEnd && valEnd <= n)) {
            throw new IllegalArgumentException("bad split " + trainEnd + "/" + valEnd + "/" + n);
        }
    }

    /**
     * The last {@code testFraction} of the rows (at least {@code 2 × horizon}) for testing, the
     * {@code valFraction} before them (same minimum) for validation, the rest for training.
     */
    public static Split chronological(String source, int n, int horizon, double valFraction, double testFraction, int minTrain) {
        if (!(valFraction > 0 && testFraction > 0 && valFraction + testFraction < 0.8)) {
            throw new UserException("--val-fraction and --test-fraction must be above 0 and add up to less than 0.8");
        }
        int test = Math.max((int) Math.round(n * testFraction), 2 * horizon);
        int val = Math.max((int) Math.round(n * valFraction), 2 * horizon);
        int train = n - test - val;
        if (train < minTrain) {
            throw new UserException(source + ": " + n + " rows are too few: " + val + " validation and " + test
                    + " test rows (at least 2 × --horizon each) leave " + Math.max(train, 0) + " for training, and --window "
                    + "and --horizon need at least " + minTrain);
        }
        return new Split(train, train + val, n);
    }

    public int trainSize() {
        return trainEnd;
    }

    public int valSize() {
        return valEnd - trainEnd;
    }

    public int testSize() {
        return n - valEnd;
    }
}
