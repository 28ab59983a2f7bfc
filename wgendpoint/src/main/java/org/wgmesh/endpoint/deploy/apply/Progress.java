package org.wgmesh.endpoint.deploy.apply;

import java.util.ArrayList;
import java.util.List;

/**
 * What the current run has done to the running system so far, kept up to date step by step so a
 * failure half-way knows exactly what to undo. Mutable, confined to one run.
 */
final class Progress {
  boolean createdNamespace;
  boolean createdVeth;
  boolean movedTrust;
  List<String> trustOriginalAddresses = List.of();
  boolean trustWasUp;
  final List<String> createdInterfaces = new ArrayList<>();
  final List<String> removedInterfaces = new ArrayList<>();
  boolean startedBird;
  boolean startedShorewall;
  boolean startedShorewall6;
  /** Called with this progress just before the trust interface moves (persists what to undo). */
  java.util.function.Consumer<Progress> beforeTrustMove = x -> {};
  /** Told each step as it starts (the -v progress). */
  java.util.function.Consumer<String> onStep = s -> {};
  /** The step being run, for the error message. */
  String step = "";
}
