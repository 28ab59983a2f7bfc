/**
 * DNS record format version 1 (see {@code docs/record-format.md}): the signed mesh record, the
 * encrypted and signed host records, the sealed group-key records; their strict decoders; the
 * site-side {@link org.wgmesh.core.record.PublicationPlanner} and the endpoint-side {@link
 * org.wgmesh.core.record.MeshReader}. Every decode failure is a {@link
 * org.wgmesh.core.error.RecordException} naming the record and the field.
 */
package org.wgmesh.core.record;
