//! Word documents: feedback letters, the bulletin and the combined volume.
