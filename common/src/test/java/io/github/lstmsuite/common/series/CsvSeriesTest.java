package io.github.lstmsuite.common.series;

import io.github.lstmsuite.common.UserException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CsvSeriesTest {
    private static final CsvSeries.Columns AUTO = new CsvSeries.Columns(null, null, null);

    private static TimeSeries parse(String text, CsvSeries.Columns c, CsvSeries.Missing m) {
        return CsvSeries.parse("t.csv", text, c, m);
    }

    @Test
    void quotedHeaderCrlfAndNoFinalNewlineLikeTheMelbourneFile() {
        TimeSeries s = parse("\"Date\",\"Temp\"\r\n\"1981-01-01\",20.7\r\n\"1981-01-02\",17.9", AUTO, CsvSeries.Missing.error);
        assertEquals("Temp", s.targetName());
        assertEquals("Date", s.timeName());
        assertArrayEquals(new String[] {"1981-01-01", "1981-01-02"}, s.labels());
        assertArrayEquals(new double[] {20.7, 17.9}, s.target());
        assertArrayEquals(new String[] {"1981-01-03", "1981-01-04"}, s.futureLabels(2));
        assertArrayEquals(new int[] {7, 365}, s.calendarPeriods());
    }

    @Test
    void targetFeaturesAndMonthLabels() {
        String csv = "month,a,b,c\n1969-11,1,10,100\n1969-12,2,20,200\n1970-01,3,30,300\n";
        TimeSeries s = parse(csv, new CsvSeries.Columns("b", List.of("c", "a"), null), CsvSeries.Missing.error);
        assertArrayEquals(new double[] {10, 20, 30}, s.target());
        assertArrayEquals(new double[] {100, 200, 300}, s.features()[0]);
        assertArrayEquals(new double[] {1, 2, 3}, s.features()[1]);
        assertArrayEquals(new String[] {"1970-02", "1970-03"}, s.futureLabels(2));
        UserException e = assertThrows(UserException.class, () -> parse(csv, AUTO, CsvSeries.Missing.error));
        assertTrue(e.getMessage().contains("--target"), e.getMessage());
    }

    @Test
    void numericFirstColumnIsDataUnlessNamedLikeTime() {
        TimeSeries s = parse("value\n5\n6\n", AUTO, CsvSeries.Missing.error);
        assertNull(s.timeName());
        assertArrayEquals(new double[] {5, 6}, s.target());
        TimeSeries y = parse("year,flow\n1871,1120\n1872,1160\n", AUTO, CsvSeries.Missing.error);
        assertEquals("year", y.timeName());
        assertArrayEquals(new String[] {"1873", "1874"}, y.futureLabels(2));
    }

    @Test
    void missingValues() {
        String csv = "t,v\n1,NA\n2,2\n3,\n4,\n5,8\n6,NA\n";
        UserException e = assertThrows(UserException.class, () -> parse(csv, AUTO, CsvSeries.Missing.error));
        assertEquals("t.csv: line 2, column 'v': missing value 'NA' (use --missing interpolate or --missing drop)", e.getMessage());
        assertArrayEquals(new double[] {2, 2, 4, 6, 8, 8}, parse(csv, AUTO, CsvSeries.Missing.interpolate).target(), 1e-12);
        TimeSeries d = parse(csv, AUTO, CsvSeries.Missing.drop);
        assertArrayEquals(new double[] {2, 8}, d.target());
        assertArrayEquals(new String[] {"2", "5"}, d.labels());
    }

    @Test
    void badInputNamesLineAndColumn() {
        assertEquals("t.csv: line 3, column 'v': 'abc' is not a number",
                assertThrows(UserException.class, () -> parse("t,v\n1,2\n2,abc\n", AUTO, CsvSeries.Missing.error)).getMessage());
        assertTrue(assertThrows(UserException.class, () -> parse("t,v\n1,2\n", new CsvSeries.Columns("x", null, null),
                CsvSeries.Missing.error)).getMessage().startsWith("--target: t.csv has no column 'x'"));
        assertEquals("t.csv: line 3 has 3 fields, the header has 2",
                assertThrows(UserException.class, () -> parse("t,v\n1,2\n2,3,4\n", AUTO, CsvSeries.Missing.error)).getMessage());
        assertTrue(assertThrows(UserException.class, () -> parse("t,v\n", AUTO, CsvSeries.Missing.error))
                .getMessage().startsWith("t.csv: expected a header line and data lines"));
    }
}
