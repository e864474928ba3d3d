# tablemigrator: the commands a user runs. Only a JDK 17 and Maven are needed.
MVN ?= mvn -B -q
JAR := target/quarkus-app/quarkus-run.jar

.PHONY: build test demo crds bench image image-tar clean

## build: the runnable jar (target/quarkus-app/quarkus-run.jar), tests skipped
build:
	$(MVN) package -DskipTests

## demo: a live migration between two embedded PostgreSQL servers (14 -> 17) while an application writes
demo:
	$(MVN) package -DskipTests
	$(MVN) exec:java -Dexec.mainClass=io.tablemigrator.demo.Demo -Dexec.classpathScope=test

## bench: tablemigrator against psql, pg_dump and native subscriptions (copy, initial sync, replay, cutover,
## memory); about 10 minutes; writes docs/benchmarks.md. Options: make bench BENCH_OPTS="-Dbench.reps=1"
bench:
	$(MVN) package -DskipTests
	$(MVN) exec:java -Dexec.mainClass=io.tablemigrator.bench.Bench -Dexec.classpathScope=test $(BENCH_OPTS)

## test: every test, against real embedded PostgreSQL 14 and 17
test:
	mvn -B test

## crds: regenerate crds/ and the chart's copy from the API types (a test fails while they are stale)
crds:
	$(MVN) test -Dtest=CrdIsCurrentTest -Dcrds.write=true -Dsurefire.failIfNoSpecifiedTests=false

# The container image: one image for the operator and the worker Jobs (src/main/docker/Dockerfile, a JRE 17 base
# running target/quarkus-app). Needs a running Docker daemon, or Podman: make image CONTAINER_TOOL=podman.
# Push it where your cluster pulls from (make image IMAGE=registry.example.com/tablemigrator:0.1.0, then push) and
# point deploy/ or the chart at it (docs/kubernetes.md).
IMAGE ?= ghcr.io/tablemigrator/tablemigrator:0.1.0
CONTAINER_TOOL ?= docker

## image: build the container image $(IMAGE) (needs Docker or Podman)
image: build
	@$(CONTAINER_TOOL) info >/dev/null 2>&1 || { echo "make image: no running $(CONTAINER_TOOL) daemon here;" \
		"it needs Docker (or Podman: make image CONTAINER_TOOL=podman). target/quarkus-app is built;" \
		"src/main/docker/Dockerfile builds the image from it anywhere a container engine runs." >&2; exit 1; }
	$(CONTAINER_TOOL) build -f src/main/docker/Dockerfile -t $(IMAGE) target/quarkus-app

## image-tar: the image as target/tablemigrator-image.tar (for k3s/kind import and the k3s install test)
image-tar: image
	$(CONTAINER_TOOL) save -o target/tablemigrator-image.tar $(IMAGE)

clean:
	$(MVN) clean
