# tablemigrator: the commands a user runs. Only a JDK 17 and Maven are needed.
MVN ?= mvn -B -q
JAR := target/quarkus-app/quarkus-run.jar

.PHONY: build test demo crds bench image clean

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

clean:
	$(MVN) clean
