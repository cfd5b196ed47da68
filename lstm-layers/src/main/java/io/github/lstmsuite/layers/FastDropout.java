package io.github.lstmsuite.layers;

import org.nd4j.shade.jackson.annotation.JsonIgnoreProperties;
import org.nd4j.shade.jackson.annotation.JsonProperty;
import java.nio.FloatBuffer;
import java.util.Arrays;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.schedule.ISchedule;

/**
 * DL4J's (inverted) {@link Dropout} with the mask drawn and applied by a Java loop: each element is kept with
 * probability p and scaled by 1/p, or zeroed, as in DL4J, but the mask is one bit per element on the heap
 * instead of a float array filled by three ND4J ops (fill with 1, ND4J's random {@code DropOutInverted},
 * multiply) — 8 % of the translator's training step before this class.
 *
 * <p>The random bits come from a SplitMix64 stream seeded with one draw of ND4J's generator per call (which
 * the suite's trainer seeds at every step), so the same {@code --seed} gives the same masks; they are not
 * ND4J's masks, so a model trained with this class follows another trajectory than with DL4J's
 * {@code Dropout} from the same seed. Large arrays are split in two fixed halves, each with its own stream,
 * on the LSTM layers' two workers: the same masks for any number of threads.
 *
 * <p>Like DL4J's class, the constructor takes the probability of <em>keeping</em> an activation
 * (PyTorch's {@code nn.Dropout(p)} takes that of zeroing it). Float arrays whose input and output (and, in
 * the backward pass, gradients) share one layout take the Java loop; anything else, DL4J's own code.
 * Saved models name this class in their configuration; it is a {@code Dropout}, so DL4J's code that asks
 * for one finds it.
 */
@JsonIgnoreProperties({"mask", "helper", "helperCountFail", "initializedHelper"})
public class FastDropout extends Dropout {
    private static final long serialVersionUID = 1L;
    /** Arrays from this many elements use both workers. */
    private static final long TWO_THREADS_FROM = 1L << 16;
    private static final int CHUNK = 2048;

    /** Bit i: element i (in the forward arrays' memory order) was kept; null when DL4J's code made the mask. */
    private transient long[] keep;
    private transient long[] keptShape;
    private transient char keptOrder;

    /** @param activationRetainProbability the probability of keeping an activation, in (0, 1] */
    public FastDropout(double activationRetainProbability) {
        super(activationRetainProbability);
    }

    /** @param activationRetainProbabilitySchedule the probability of keeping an activation, by iteration or epoch */
    public FastDropout(ISchedule activationRetainProbabilitySchedule) {
        super(activationRetainProbabilitySchedule);
    }

    /** For JSON. */
    protected FastDropout(@JsonProperty("p") double activationRetainProbability,
                          @JsonProperty("pSchedule") ISchedule activationRetainProbabilitySchedule) {
        super(activationRetainProbability, activationRetainProbabilitySchedule);
    }

    /** Whether arrays of this layout take the Java loop (float, the default strides of their order). */
    private static boolean plain(INDArray a) {
        return a.dataType() == DataType.FLOAT && a.length() < Integer.MAX_VALUE && Shape.hasDefaultStridesForShape(a)
                && (a.length() <= 1 || a.elementWiseStride() == 1);
    }

    private static boolean sameLayout(INDArray a, INDArray b) {
        return Arrays.equals(a.shape(), b.shape()) && (a.length() <= 1 || a.ordering() == b.ordering());
    }

    @Override
    public INDArray applyDropout(INDArray inputActivations, INDArray output, int iteration, int epoch, LayerWorkspaceMgr workspaceMgr) {
        if (!plain(output) || inputActivations.dataType() != DataType.FLOAT
                || !Arrays.equals(inputActivations.shape(), output.shape())) {
            keep = null;
            return super.applyDropout(inputActivations, output, iteration, epoch, workspaceMgr);
        }
        INDArray in = inputActivations;
        if (!plain(in) || !sameLayout(in, output)) {           // a view (or the other order): copied into the output first
            output.assign(in);
            in = output;
        }
        double p = retain(iteration, epoch);
        int n = (int) output.length();
        long[] bits = new long[(n + 63) >>> 6];
        float scale = 1.0f / (float) p;                       // DL4J's kept value: x · (1/p) in float
        long threshold = (long) Math.ceil(p * (1L << 32));    // keep when a uniform 32-bit draw is below p·2³²
        long seed = Nd4j.getRandom().nextLong();
        FloatBuffer from = FastLstmLayer.buffer(in), to = FastLstmLayer.buffer(output);
        int split = split(n);
        FastLstmLayer.runBlocks(workers(n), 2, half -> {
            long state = mix(seed + half * 0x9E3779B97F4A7C15L);
            int start = half == 0 ? 0 : split, end = half == 0 ? split : n;
            for (int w = start >>> 6, lastWord = (end + 63) >>> 6; w < lastWord; w++) {   // 64 elements: one word of bits
                long word = 0;
                for (int j = 0; j < 64; j += 2) {
                    long r = mix(state += 0x9E3779B97F4A7C15L);           // SplitMix64: two 32-bit draws
                    word |= ((r >>> 32) < threshold ? 1L : 0L) << j | ((r & 0xFFFFFFFFL) < threshold ? 1L : 0L) << (j + 1);
                }
                if (((w + 1) << 6) > end) {
                    word &= -1L >>> (64 - (end - (w << 6)));              // the last, partial word
                }
                bits[w] = word;
            }
            applyMask(from, to, bits, scale, start, end);
        });
        keep = bits;
        keptShape = output.shape();
        keptOrder = output.ordering();
        return output;
    }

    /** The probability of keeping an activation at this iteration and epoch. */
    private double retain(int iteration, int epoch) {
        return getPSchedule() != null ? getPSchedule().valueAt(iteration, epoch) : getP();
    }

    /** Where an array of {@code n} elements is cut in two: at a 64-element word of the mask. */
    private static int split(int n) {
        return (n / 2) & ~63;
    }

    private static int workers(int n) {
        return n >= TWO_THREADS_FROM ? FastLstmLayer.configuredWorkers() : 1;
    }

    /** {@code to[i] = from[i] · scale} where bit i is set, else 0, for i in [start, end). */
    private static void applyMask(FloatBuffer from, FloatBuffer to, long[] bits, float scale, int start, int end) {
        float[] c = new float[CHUNK];
        float[] factor = {0f, scale};
        for (int at = start; at < end; at += CHUNK) {
            int len = Math.min(CHUNK, end - at);
            from.get(at, c, 0, len);
            for (int i = 0; i < len; i++) {
                int e = at + i;
                c[i] *= factor[(int) (bits[e >>> 6] >>> e) & 1];
            }
            to.put(at, c, 0, len);
        }
    }

    @Override
    public INDArray backprop(INDArray gradAtOutput, INDArray gradAtInput, int iteration, int epoch) {
        if (keep == null) {
            return super.backprop(gradAtOutput, gradAtInput, iteration, epoch);
        }
        long[] bits = keep;
        keep = null;
        float scale = 1.0f / (float) retain(iteration, epoch);     // the forward pass's, same iteration and epoch
        boolean direct = plain(gradAtOutput) && plain(gradAtInput) && sameLayout(gradAtOutput, gradAtInput)
                && Arrays.equals(gradAtOutput.shape(), keptShape) && (gradAtOutput.length() <= 1 || gradAtOutput.ordering() == keptOrder);
        if (!direct) {                                         // another layout: through a copy in the forward's order
            INDArray g = gradAtOutput.castTo(DataType.FLOAT).dup(keptOrder);
            multiply(g, g, bits, scale);
            gradAtInput.assign(g);
            return gradAtInput;
        }
        multiply(gradAtOutput, gradAtInput, bits, scale);
        return gradAtInput;
    }

    /** {@code to[i] = from[i] · scale} where bit i is set, else 0. */
    private static void multiply(INDArray from, INDArray to, long[] bits, float scale) {
        int n = (int) from.length();
        FloatBuffer in = FastLstmLayer.buffer(from), out = FastLstmLayer.buffer(to);
        int split = split(n);
        FastLstmLayer.runBlocks(workers(n), 2, half -> applyMask(in, out, bits, scale, half == 0 ? 0 : split, half == 0 ? split : n));
    }

    /** SplitMix64's output function. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public void clear() {
        keep = null;
        super.clear();
    }

    @Override
    public FastDropout clone() {
        return new FastDropout(getP(), getPSchedule() == null ? null : getPSchedule().clone());
    }
}
