package io.tablemigrator.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.tablemigrator.worker.WorkerEnv;
import io.tablemigrator.worker.WorkerMain;
import io.tablemigrator.worker.WorkerRun;

/**
 * A stand-in for the kubelet and the Job controller on the mock API server, which runs nothing by itself: for each
 * Job the operator creates it makes a pod, resolves the container's env from Secrets (data, base64) the way the
 * kubelet does, runs the worker entry point in-process with the Job's args, and records the outcome on the pod
 * (phase, exit code, termination message) and on the Job (succeeded / failed counters, Complete or Failed with the
 * reasons the Job controller uses, a replacement pod while under backoffLimit, the pod failure policy's FailJob on
 * exit codes 2 and 3). Deleting the Job stops its worker (SIGTERM) and removes its pods (garbage collection).
 */
public final class FakeKubelet implements AutoCloseable {
    /** Images under this prefix cannot be pulled: their pods wait in ErrImagePull. */
    public static final String UNPULLABLE = "registry.invalid/";
    private final KubernetesClient client;
    private final WorkerMain worker;
    private final Path scratch;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fake-kubelet");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, JobRun> runs = new ConcurrentHashMap<>();
    private final AtomicInteger podCounter = new AtomicInteger();
    private SharedIndexInformer<Job> informer;

    private static final class JobRun {
        final Job job;
        volatile boolean deleted;
        volatile WorkerRun current;
        volatile Integer killWith;
        volatile boolean done;

        JobRun(Job job) {
            this.job = job;
        }
    }

    public FakeKubelet(KubernetesClient client, WorkerMain worker) {
        this.client = client;
        this.worker = worker;
        try {
            this.scratch = Files.createTempDirectory("kubelet");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public FakeKubelet start() {
        informer = client.batch().v1().jobs().inAnyNamespace().inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Job job) {
                String uid = job.getMetadata().getUid();
                if (runs.containsKey(uid) || job.getStatus() != null && job.getStatus().getStartTime() != null) {
                    return;
                }
                JobRun run = new JobRun(job);
                runs.put(uid, run);
                pool.submit(() -> runJob(run));
            }

            @Override
            public void onUpdate(Job oldJob, Job newJob) {
            }

            @Override
            public void onDelete(Job job, boolean deletedFinalStateUnknown) {
                JobRun run = runs.get(job.getMetadata().getUid());
                if (run == null) {
                    return;
                }
                run.deleted = true;
                WorkerRun current = run.current;
                if (current != null) {
                    current.requestStop(); // SIGTERM
                }
                if (run.done) {
                    deletePods(run.job);
                }
            }
        });
        return this;
    }

    /** Kills the running worker of a Job (exit 137, as after SIGKILL or OOM): the Job controller replaces the pod. */
    public void kill(String namespace, String jobName) {
        runs.values().stream().filter(r -> !r.done && namespace.equals(r.job.getMetadata().getNamespace())
                && jobName.equals(r.job.getMetadata().getName())).forEach(r -> {
                    r.killWith = 137;
                    WorkerRun current = r.current;
                    if (current != null) {
                        current.requestStop();
                    }
                });
    }

    /** Workers of this namespace still running. */
    public long running(String namespace) {
        return runs.values().stream().filter(r -> !r.done && namespace.equals(r.job.getMetadata().getNamespace())).count();
    }

    private void runJob(JobRun run) {
        Job job = run.job;
        String ns = job.getMetadata().getNamespace();
        int backoffLimit = job.getSpec().getBackoffLimit() == null ? 6 : job.getSpec().getBackoffLimit();
        int failed = 0;
        try {
            while (!run.deleted) {
                Pod pod = createPod(job);
                String podName = pod.getMetadata().getName();
                final int failedSoFar = failed;
                editJob(job, j -> {
                    j.getStatus().setActive(1);
                    j.getStatus().setFailed(failedSoFar == 0 ? null : failedSoFar);
                    if (j.getStatus().getStartTime() == null) {
                        j.getStatus().setStartTime(now());
                    }
                });
                var container = job.getSpec().getTemplate().getSpec().getContainers().get(0);
                if (container.getImage().startsWith(UNPULLABLE)) {
                    // the image cannot be pulled: the pod waits, and the kubelet keeps trying
                    editPod(ns, podName, p -> {
                        p.getStatus().setPhase("Pending");
                        p.getStatus().setContainerStatuses(List.of(new ContainerStatusBuilder().withName(container.getName())
                                .withImage(container.getImage()).withReady(false).withRestartCount(0)
                                .withNewState().withNewWaiting().withReason("ErrImagePull")
                                .withMessage("failed to resolve reference \"" + container.getImage() + "\": not found")
                                .endWaiting().endState().build()));
                    });
                    return;
                }
                Map<String, String> env = resolveEnv(ns, container.getEnv());
                if (env == null) {
                    // a non-optional secretKeyRef that cannot be resolved: the pod never starts
                    editPod(ns, podName, p -> p.getStatus().setPhase("Pending"));
                    return;
                }
                Path log = scratch.resolve(podName + ".termination-log");
                env.put(WorkerEnv.TERMINATION_LOG, log.toString());
                WorkerRun workerRun = worker.prepare(WorkerEnv.of(env), args(container.getArgs()));
                run.current = workerRun;
                if (run.deleted) {
                    workerRun.requestStop();
                }
                int exit = workerRun.execute();
                run.current = null;
                if (run.killWith != null) {
                    exit = run.killWith;
                    run.killWith = null;
                }
                String message = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : null;
                final int code = exit;
                editPod(ns, podName, p -> {
                    p.getStatus().setPhase(code == 0 ? "Succeeded" : "Failed");
                    p.getStatus().setContainerStatuses(List.of(new ContainerStatusBuilder()
                            .withName(container.getName()).withImage(container.getImage()).withReady(false)
                            .withRestartCount(0)
                            .withNewState().withNewTerminated().withExitCode(code)
                            .withReason(code == 0 ? "Completed" : code == 137 ? "OOMKilled" : "Error")
                            .withMessage(message).withStartedAt(p.getStatus().getStartTime()).withFinishedAt(now())
                            .endTerminated().endState().build()));
                });
                if (run.deleted) {
                    return;
                }
                if (code == 0) {
                    editJob(job, j -> {
                        j.getStatus().setActive(null);
                        j.getStatus().setSucceeded(1);
                        j.getStatus().setCompletionTime(now());
                        j.getStatus().setConditions(List.of(condition("SuccessCriteriaMet", "CompletionsReached",
                                "Reached expected number of succeeded pods"), condition("Complete", "CompletionsReached",
                                        "Reached expected number of succeeded pods")));
                    });
                    return;
                }
                failed++;
                final int failedNow = failed;
                if (code == 2 || code == 3) {
                    String why = "Container " + container.getName() + " for pod " + ns + "/" + podName
                            + " failed with exit code " + code + " matching FailJob rule at index 0";
                    editJob(job, j -> {
                        j.getStatus().setActive(null);
                        j.getStatus().setFailed(failedNow);
                        j.getStatus().setConditions(List.of(condition("FailureTarget", "PodFailurePolicy", why),
                                condition("Failed", "PodFailurePolicy", why)));
                    });
                    return;
                }
                if (failed > backoffLimit) {
                    editJob(job, j -> {
                        j.getStatus().setActive(null);
                        j.getStatus().setFailed(failedNow);
                        j.getStatus().setConditions(List.of(condition("FailureTarget", "BackoffLimitExceeded",
                                "Job has reached the specified backoff limit"), condition("Failed", "BackoffLimitExceeded",
                                        "Job has reached the specified backoff limit")));
                    });
                    return;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (KubernetesClientException e) {
            // the Job went away under us
        } finally {
            run.done = true;
            if (run.deleted) {
                deletePods(job);
            }
        }
    }

    private Pod createPod(Job job) {
        var template = job.getSpec().getTemplate();
        Map<String, String> labels = new LinkedHashMap<>(template.getMetadata().getLabels());
        labels.put("job-name", job.getMetadata().getName());
        labels.put("batch.kubernetes.io/job-name", job.getMetadata().getName());
        labels.put("controller-uid", job.getMetadata().getUid());
        String name = job.getMetadata().getName() + "-" + Integer.toString(36 * 36 * 36 + podCounter.incrementAndGet(), 36);
        Pod pod = new PodBuilder()
                .withNewMetadata().withName(name).withNamespace(job.getMetadata().getNamespace()).withLabels(labels)
                .withAnnotations(template.getMetadata().getAnnotations())
                .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("batch/v1").withKind("Job")
                        .withName(job.getMetadata().getName()).withUid(job.getMetadata().getUid()).withController(true)
                        .withBlockOwnerDeletion(true).build())
                .endMetadata()
                .withSpec(template.getSpec())
                .build();
        Pod created = client.resource(pod).create();
        editPod(job.getMetadata().getNamespace(), name, p -> {
            p.getStatus().setPhase("Running");
            p.getStatus().setStartTime(now());
        });
        return created;
    }

    private Map<String, String> resolveEnv(String namespace, List<EnvVar> vars) {
        Map<String, String> env = new HashMap<>();
        for (EnvVar var : vars == null ? List.<EnvVar>of() : vars) {
            if (var.getValue() != null) {
                env.put(var.getName(), var.getValue());
                continue;
            }
            var ref = var.getValueFrom() == null ? null : var.getValueFrom().getSecretKeyRef();
            if (ref == null) {
                continue;
            }
            Secret secret = client.secrets().inNamespace(namespace).withName(ref.getName()).get();
            String encoded = secret == null || secret.getData() == null ? null : secret.getData().get(ref.getKey());
            if (encoded == null) {
                if (Boolean.TRUE.equals(ref.getOptional())) {
                    continue;
                }
                return null;
            }
            env.put(var.getName(), new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8));
        }
        return env;
    }

    private void editJob(Job job, java.util.function.Consumer<Job> change) {
        client.batch().v1().jobs().inNamespace(job.getMetadata().getNamespace()).withName(job.getMetadata().getName())
                .editStatus(j -> {
                    if (j.getStatus() == null) {
                        j.setStatus(new io.fabric8.kubernetes.api.model.batch.v1.JobStatus());
                    }
                    change.accept(j);
                    return j;
                });
    }

    private void editPod(String namespace, String name, java.util.function.Consumer<Pod> change) {
        client.pods().inNamespace(namespace).withName(name).editStatus(p -> {
            if (p.getStatus() == null) {
                p.setStatus(new io.fabric8.kubernetes.api.model.PodStatus());
            }
            change.accept(p);
            return p;
        });
    }

    private void deletePods(Job job) {
        try {
            client.pods().inNamespace(job.getMetadata().getNamespace()).withLabel("controller-uid", job.getMetadata().getUid())
                    .delete();
        } catch (KubernetesClientException e) {
            // already gone
        }
    }

    private static io.fabric8.kubernetes.api.model.batch.v1.JobCondition condition(String type, String reason, String message) {
        String now = now();
        return new JobConditionBuilder().withType(type).withStatus("True").withReason(reason).withMessage(message)
                .withLastProbeTime(now).withLastTransitionTime(now).build();
    }

    private static String[] args(List<String> args) {
        List<String> rest = new ArrayList<>(args);
        if (!rest.isEmpty() && "worker".equals(rest.get(0))) {
            rest.remove(0); // Main dispatches on the first argument; the worker gets the rest
        }
        return rest.toArray(String[]::new);
    }

    private static String now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    }

    @Override
    public void close() {
        if (informer != null) {
            informer.close();
        }
        runs.values().forEach(r -> {
            r.deleted = true;
            WorkerRun current = r.current;
            if (current != null) {
                current.requestStop();
            }
        });
        pool.shutdown();
        try {
            pool.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
