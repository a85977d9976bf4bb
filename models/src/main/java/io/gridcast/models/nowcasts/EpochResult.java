package io.gridcast.models.nowcasts;

/**
 * One training epoch.
 *
 * @param epoch          1-based epoch number
 * @param trainLoss      mean MSE over the epoch's mini-batches, each measured before its own update (normalised units)
 * @param validationLoss MSE on the validation windows after the epoch (normalised units), NaN without validation data
 * @param seconds        wall time of the epoch, validation included
 * @param learningRate   Adam's learning rate during the epoch
 */
public record EpochResult(int epoch, double trainLoss, double validationLoss, double seconds, double learningRate) {
}
