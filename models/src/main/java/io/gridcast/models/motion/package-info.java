/**
 * Motion estimation between two frames: Horn–Schunck optical flow ({@link io.gridcast.models.motion.HornSchunck}),
 * its pyramid depth from a phase-correlation estimate of the bulk displacement. Depends on no other models package.
 */
package io.gridcast.models.motion;
