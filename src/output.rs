//! Writing results: safe file names, a temporary folder moved into place
//! only when every file is complete.
