package org.wgmesh.core.cli;

import picocli.CommandLine.IVersionProvider;

/** Prints the version recorded in the jar manifest (or "development" when run from classes). */
public final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String v = VersionProvider.class.getPackage().getImplementationVersion();
    return new String[] {"wgmesh " + (v == null ? "development" : v)};
  }
}
