package io.tablemigrator.operator;

/** {@link OperatorHarness}'s mock-server fix, for tests in other packages. */
public final class OperatorHarnessAccess {
    private OperatorHarnessAccess() {
    }

    public static void mockMergePatchReplacesLists() {
        OperatorHarness.mockMergePatchReplacesLists();
    }
}
