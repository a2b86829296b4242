package dev.credence.server.calibration;

import org.hipparchus.exception.MathIllegalArgumentException;
import org.hipparchus.linear.Array2DRowRealMatrix;
import org.hipparchus.linear.ArrayRealVector;
import org.hipparchus.linear.CholeskyDecomposition;
import org.hipparchus.linear.DecompositionSolver;
import org.hipparchus.linear.RealMatrix;
import org.hipparchus.linear.RealVector;

/**
 * A logistic regression of a bad outcome on features, fitted by Newton's method (iteratively
 * reweighted least squares) with a small ridge penalty: the fit behind a calibrated {@code
 * CreditModel}, whose PD is 1 / (1 + exp(-(intercept + sum of coefficient * feature))).
 *
 * <p>The features are expected standardised by the caller (z = (T - 50) / 10, see docs/scoring.md),
 * so that one penalty suits every coefficient.
 *
 * <p>What is maximised is the log-likelihood minus lambda / 2 * the sum of the squared
 * coefficients; the intercept is not penalised, so the fitted PDs keep the sample's bad rate. The
 * default {@link #DEFAULT_LAMBDA} = 1 is the same as a normal prior of standard deviation 1 on each
 * coefficient per standard deviation of its feature: wide for the effects traits have on default,
 * negligible against thousands of loans, yet enough to keep the coefficients finite when a feature
 * separates goods from bads perfectly, where plain maximum likelihood has no finite answer.
 *
 * <p>Iteration: each Newton step solves (penalised Hessian) * step = (penalised gradient) by a
 * Cholesky decomposition, starting from all coefficients 0 and the intercept at the log odds of the
 * sample's bad rate. A step that lowers the penalised log-likelihood is halved until it does not
 * (at most {@link #MAX_HALVINGS} times). The fit has converged once no parameter moves by more than
 * {@link #TOLERANCE} in a step, and stops unconverged after {@link #MAX_ITERATIONS} steps.
 *
 * <p>Standard errors are the square roots of the diagonal of the inverse of the penalised Hessian
 * (the penalised information matrix) at the last estimate.
 */
public final class LogisticRegression {
  private LogisticRegression() {}

  /** The default ridge penalty on the coefficients (never on the intercept). */
  public static final double DEFAULT_LAMBDA = 1.0;

  /** The most Newton steps taken. */
  public static final int MAX_ITERATIONS = 50;

  /** Converged once no parameter moves by more than this in one step. */
  public static final double TOLERANCE = 1e-8;

  /** The most times one step is halved. */
  public static final int MAX_HALVINGS = 30;

  /**
   * A fitted model.
   *
   * @param intercept the log odds of bad at every feature 0
   * @param coefficients per feature, the change in log odds of bad per unit of the feature
   * @param interceptStandardError the standard error of the intercept
   * @param standardErrors per feature, the standard error of its coefficient
   * @param iterations the Newton steps taken
   * @param converged false when {@link #MAX_ITERATIONS} steps ended before {@link #TOLERANCE} was
   *     reached: the estimates are then not to be used
   * @param lambda the ridge penalty it was fitted with
   */
  public record Fit(
      double intercept,
      double[] coefficients,
      double interceptStandardError,
      double[] standardErrors,
      int iterations,
      boolean converged,
      double lambda) {

    public Fit {
      coefficients = coefficients.clone();
      standardErrors = standardErrors.clone();
    }

    @Override
    public double[] coefficients() {
      return coefficients.clone();
    }

    @Override
    public double[] standardErrors() {
      return standardErrors.clone();
    }

    /**
     * The predicted probability of bad for one row of features.
     *
     * @throws IllegalArgumentException when the row does not hold one value per coefficient
     */
    public double probability(double[] features) {
      if (features == null || features.length != coefficients.length) {
        throw new IllegalArgumentException(
            "needs "
                + coefficients.length
                + " features, got "
                + (features == null ? 0 : features.length));
      }
      double eta = intercept;
      for (int j = 0; j < coefficients.length; j++) {
        eta += coefficients[j] * features[j];
      }
      return sigmoid(eta);
    }

    /** The predicted probability of bad for each row of {@code features}. */
    public double[] probabilities(double[][] features) {
      double[] result = new double[features.length];
      for (int i = 0; i < features.length; i++) {
        result[i] = probability(features[i]);
      }
      return result;
    }
  }

  /** Fits with the {@link #DEFAULT_LAMBDA}. */
  public static Fit fit(double[][] features, boolean[] bad) {
    return fit(features, bad, DEFAULT_LAMBDA);
  }

  /**
   * Fits a logistic regression of {@code bad} on {@code features}.
   *
   * @param features one row per loan, one column per feature, every value finite
   * @param bad per loan, true when its outcome was bad
   * @param lambda the ridge penalty, 0 or more; 0 is plain maximum likelihood
   * @throws IllegalArgumentException when the input is empty, ragged or not finite, the outcomes
   *     hold no bad or no good, or (only possible with a lambda of 0 or nearly so) the penalised
   *     Hessian is not positive definite: a feature constant or collinear with others, or one
   *     separating goods from bads perfectly
   * @throws IllegalStateException when an estimate stops being a finite number
   */
  public static Fit fit(double[][] features, boolean[] bad, double lambda) {
    if (!Double.isFinite(lambda) || lambda < 0) {
      throw new IllegalArgumentException("lambda must be 0 or more, got " + lambda);
    }
    RealMatrix x = designMatrix(features);
    Inputs.requireOutcomes(bad, features.length);
    int bads = Inputs.requireBothClasses(bad);
    int n = x.getRowDimension();
    int p = x.getColumnDimension();
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      y[i] = bad[i] ? 1 : 0;
    }

    double[] beta = new double[p];
    beta[0] = Math.log((double) bads / (n - bads));
    double objective = penalisedLogLikelihood(x, y, beta, lambda);
    int iterations = 0;
    boolean converged = false;
    while (iterations < MAX_ITERATIONS && !converged) {
      iterations++;
      double[] probability = probabilities(x, beta);
      RealVector gradient = gradient(x, y, probability, beta, lambda);
      RealVector step = solver(hessian(x, probability, lambda)).solve(gradient);

      double[] candidate = add(beta, step, 1);
      double candidateObjective = penalisedLogLikelihood(x, y, candidate, lambda);
      double scale = 1;
      for (int h = 0; h < MAX_HALVINGS && candidateObjective < objective; h++) {
        scale /= 2;
        candidate = add(beta, step, scale);
        candidateObjective = penalisedLogLikelihood(x, y, candidate, lambda);
      }
      for (double value : candidate) {
        if (!Double.isFinite(value)) {
          throw new IllegalStateException(
              "the fit diverged after " + iterations + " steps: an estimate is not finite");
        }
      }
      converged = step.getLInfNorm() * scale <= TOLERANCE;
      beta = candidate;
      objective = candidateObjective;
    }

    RealMatrix covariance = solver(hessian(x, probabilities(x, beta), lambda)).getInverse();
    double[] coefficients = new double[p - 1];
    double[] standardErrors = new double[p - 1];
    for (int j = 1; j < p; j++) {
      coefficients[j - 1] = beta[j];
      standardErrors[j - 1] = Math.sqrt(covariance.getEntry(j, j));
    }
    return new Fit(
        beta[0],
        coefficients,
        Math.sqrt(covariance.getEntry(0, 0)),
        standardErrors,
        iterations,
        converged,
        lambda);
  }

  /** The features with a leading column of 1s for the intercept. */
  private static RealMatrix designMatrix(double[][] features) {
    if (features == null || features.length == 0) {
      throw new IllegalArgumentException("features is empty");
    }
    int k = features[0] == null ? -1 : features[0].length;
    double[][] rows = new double[features.length][];
    for (int i = 0; i < features.length; i++) {
      if (features[i] == null || features[i].length != k) {
        throw new IllegalArgumentException("features row " + i + " does not hold " + k + " values");
      }
      for (int j = 0; j < k; j++) {
        if (!Double.isFinite(features[i][j])) {
          throw new IllegalArgumentException(
              "features[" + i + "][" + j + "] is not a finite number");
        }
      }
      rows[i] = new double[k + 1];
      rows[i][0] = 1;
      System.arraycopy(features[i], 0, rows[i], 1, k);
    }
    return new Array2DRowRealMatrix(rows, false);
  }

  /** X'(y - p) - lambda * beta, the intercept unpenalised. */
  private static RealVector gradient(
      RealMatrix x, double[] y, double[] probability, double[] beta, double lambda) {
    double[] residual = new double[y.length];
    for (int i = 0; i < y.length; i++) {
      residual[i] = y[i] - probability[i];
    }
    RealVector gradient = new ArrayRealVector(x.preMultiply(residual), false);
    for (int j = 1; j < beta.length; j++) {
      gradient.addToEntry(j, -lambda * beta[j]);
    }
    return gradient;
  }

  /** X'WX + lambda * I, W = diag(p(1 - p)), the intercept unpenalised. */
  private static RealMatrix hessian(RealMatrix x, double[] probability, double lambda) {
    int n = x.getRowDimension();
    int p = x.getColumnDimension();
    double[][] weighted = new double[n][p];
    for (int i = 0; i < n; i++) {
      double w = probability[i] * (1 - probability[i]);
      for (int j = 0; j < p; j++) {
        weighted[i][j] = w * x.getEntry(i, j);
      }
    }
    RealMatrix product = x.transposeMultiply(new Array2DRowRealMatrix(weighted, false));
    // X'(WX) sums the same products in another order above and below the diagonal, so the two
    // halves can differ in the last bit; Cholesky wants a symmetric matrix, so take their mean.
    RealMatrix hessian = product.add(product.transpose()).scalarMultiply(0.5);
    for (int j = 1; j < p; j++) {
      hessian.addToEntry(j, j, lambda);
    }
    return hessian;
  }

  private static DecompositionSolver solver(RealMatrix hessian) {
    try {
      return new CholeskyDecomposition(hessian).getSolver();
    } catch (MathIllegalArgumentException e) {
      throw new IllegalArgumentException(
          "the penalised Hessian is not positive definite: a feature is constant, collinear with"
              + " others, or separates goods from bads perfectly; fit with a larger lambda",
          e);
    }
  }

  private static double[] probabilities(RealMatrix x, double[] beta) {
    double[] eta = x.operate(beta);
    for (int i = 0; i < eta.length; i++) {
      eta[i] = sigmoid(eta[i]);
    }
    return eta;
  }

  /** Sum of y * eta - ln(1 + e^eta), minus lambda / 2 * the squared coefficients. */
  private static double penalisedLogLikelihood(
      RealMatrix x, double[] y, double[] beta, double lambda) {
    double[] eta = x.operate(beta);
    double sum = 0;
    for (int i = 0; i < eta.length; i++) {
      // ln(1 + e^eta) written so that neither branch overflows
      double softplus =
          eta[i] > 0 ? eta[i] + Math.log1p(Math.exp(-eta[i])) : Math.log1p(Math.exp(eta[i]));
      sum += y[i] * eta[i] - softplus;
    }
    for (int j = 1; j < beta.length; j++) {
      sum -= lambda / 2 * beta[j] * beta[j];
    }
    return sum;
  }

  private static double[] add(double[] beta, RealVector step, double scale) {
    double[] result = beta.clone();
    for (int j = 0; j < result.length; j++) {
      result[j] += scale * step.getEntry(j);
    }
    return result;
  }

  /** 1 / (1 + e^-eta), written so that e^x never overflows. */
  static double sigmoid(double eta) {
    if (eta >= 0) {
      return 1 / (1 + Math.exp(-eta));
    }
    double e = Math.exp(eta);
    return e / (1 + e);
  }
}
