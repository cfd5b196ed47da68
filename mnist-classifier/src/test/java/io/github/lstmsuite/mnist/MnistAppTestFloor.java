package io.github.lstmsuite.mnist;

/** The accuracy floor of the small fixed-seed run in {@link MnistAppTest}, stated in one place. */
final class MnistAppTestFloor {
    /** Measured: see the module README ("Tests"). */
    static final double ACCURACY = 0.85;

    private MnistAppTestFloor() {
    }
}
