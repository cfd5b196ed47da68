package io.github.lstmsuite.serve;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Dynamic batching for one network: requests wait in a bounded queue; one worker thread, the only thread
 * that touches the network (DL4J's networks are not thread-safe), takes the first waiting request and every
 * other one already waiting (up to {@code maxBatch}) and runs them as one batch. No timer: under light load a
 * request runs alone at once; under heavy load the requests that arrive while a batch runs form the next.
 *
 * <p>Why not DL4J's {@code ParallelInference}: its batched mode stacks plain {@code output(INDArray)} calls of
 * equal shapes for copies of one network. The server's work is mostly not that: beam search and greedy
 * decoding with recurrent state (translate), a forecast with its encoding and intervals, image preparation.
 * A batcher over the apps' own batched calls serves all of them; {@code maxBatch = 1} is one-at-a-time serving.
 *
 * <p>A full queue refuses at once ({@link ApiError#overloaded 503}); a retired batcher ({@link #retire}, when a
 * newer model version replaced this one) takes no new request but finishes those it holds.
 */
final class Batcher<I, O> {
    /** Thrown by {@link #submit} after {@link #retire}: the caller submits to the newer version instead. */
    static final class Retired extends RuntimeException {
        Retired() {
            super("retired", null, false, false);
        }
    }

    private record Job<I, O>(I input, CompletableFuture<O> result) {
    }

    private final String name;
    private final int maxBatch;
    private final long maxDelayNanos;
    private final BlockingQueue<Job<I, O>> queue;
    private final Function<List<I>, List<O>> run;
    private final Consumer<Integer> batchSizes;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private final Thread worker;
    private volatile boolean retired;

    /**
     * @param name       for the worker thread and the 503 message (e.g. {@code mnist/classify v2})
     * @param run        runs a batch: one output per input, in order; an exception fails the batch's requests
     *                   (each is then retried alone, so one bad request does not fail the others)
     * @param batchSizes told the size of every batch run (the metrics)
     */
    Batcher(String name, int maxBatch, int capacity, Function<List<I>, List<O>> run, Consumer<Integer> batchSizes) {
        this(name, maxBatch, capacity, 0, run, batchSizes);
    }

    /**
     * @param maxDelayMicros while requests keep arriving, a batch short of {@code maxBatch} waits up to this long
     *                       for more to join it (as Triton's {@code max_queue_delay}); 0 = it runs at once
     */
    Batcher(String name, int maxBatch, int capacity, long maxDelayMicros, Function<List<I>, List<O>> run, Consumer<Integer> batchSizes) {
        if (maxBatch < 1 || capacity < 1) {
            throw new IllegalArgumentException("maxBatch and capacity must be at least 1");
        }
        this.name = name;
        this.maxBatch = maxBatch;
        this.maxDelayNanos = maxDelayMicros * 1000;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.run = run;
        this.batchSizes = batchSizes;
        this.worker = new Thread(this::work, "batcher " + name);
        worker.setDaemon(true);
        worker.start();
    }

    /** Queues {@code input}; the future completes when its batch has run. */
    CompletableFuture<O> submit(I input) {
        lock.readLock().lock();
        try {
            if (retired) {
                throw new Retired();
            }
            Job<I, O> job = new Job<>(input, new CompletableFuture<>());
            if (!queue.offer(job)) {
                throw ApiError.overloaded(name + ": " + queue.size() + " requests already wait; try again shortly", 1);
            }
            return job.result();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Requests waiting now. */
    int depth() {
        return queue.size();
    }

    /** Takes no new request; the worker finishes those queued, then ends. */
    void retire() {
        lock.writeLock().lock();
        try {
            retired = true;
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** {@link #retire}, then waits up to {@code millis} for the queued requests to finish. */
    boolean retireAndWait(long millis) throws InterruptedException {
        retire();
        worker.join(millis);
        return !worker.isAlive();
    }

    private void work() {
        List<Job<I, O>> batch = new ArrayList<>(maxBatch);
        while (true) {
            Job<I, O> first;
            try {
                first = queue.poll(50, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (first == null) {
                if (retired && queue.isEmpty()) {
                    return;                              // retired and drained: no request can arrive any more
                }
                continue;
            }
            batch.clear();
            batch.add(first);
            queue.drainTo(batch, maxBatch - 1);
            if (maxDelayNanos > 0 && batch.size() < maxBatch) {
                collect(batch);
            }
            batch.removeIf(j -> j.result().isDone());    // a caller that timed out cancelled its job: skip it
            if (!batch.isEmpty()) {
                runBatch(batch);
            }
        }
    }

    /** Lets more requests join {@code batch} while they arrive, up to the delay and the batch size. */
    private void collect(List<Job<I, O>> batch) {
        long end = System.nanoTime() + maxDelayNanos;
        try {
            for (long left = maxDelayNanos; left > 0 && batch.size() < maxBatch; left = end - System.nanoTime()) {
                Job<I, O> next = queue.poll(left, TimeUnit.NANOSECONDS);
                if (next == null) {
                    return;
                }
                batch.add(next);
                queue.drainTo(batch, maxBatch - batch.size());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void runBatch(List<Job<I, O>> batch) {
        batchSizes.accept(batch.size());
        try {
            complete(batch, run.apply(batch.stream().map(Job::input).toList()));
        } catch (RuntimeException | Error e) {
            if (batch.size() == 1) {
                batch.get(0).result().completeExceptionally(e);
                return;
            }
            for (Job<I, O> job : batch) {                // find the request that fails; the others still get answers
                try {
                    complete(List.of(job), run.apply(List.of(job.input())));
                } catch (RuntimeException | Error e1) {
                    job.result().completeExceptionally(e1);
                }
            }
        }
    }

    private void complete(List<Job<I, O>> jobs, List<O> outputs) {
        if (outputs.size() != jobs.size()) {
            throw new IllegalStateException(name + ": " + outputs.size() + " outputs for " + jobs.size() + " inputs");
        }
        for (int i = 0; i < jobs.size(); i++) {
            jobs.get(i).result().complete(outputs.get(i));
        }
    }
}
